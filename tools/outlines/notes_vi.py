"""The Vietnamese twin (``geometry_note_vi``) of each geometry note the outline tools write.

``author_outlines.py`` writes its notes in English from a few sentences; ``vietnamese_note`` gives the same
note in Vietnamese, numbers written the Vietnamese way (4.600 m). A note it does not know (one written by
hand, or by ``hpmap import``) returns None: its translation is left as it is.
"""

from __future__ import annotations

import re

MARKS_VI = {
    "official coordinate": "tọa độ trong văn bản chính thức",
    "osm outline": "vùng trên OpenStreetMap",
    "gis polygon": "vùng trong lớp GIS quy hoạch cảng",
    "map pin": "ghim trên bản đồ",
    "tenant plot": "lô đất của một doanh nghiệp thuê",
    "landmark": "mốc địa lý nguồn nêu",
    "commune centre": "trung tâm xã/phường",
}
WHY_VI = {  # author_outlines.bearing_of's reasons
    "long side along the national road or railway beside it": "cạnh dài chạy dọc quốc lộ hoặc đường sắt bên cạnh",
    "long side along the nearest river bank": "cạnh dài chạy dọc bờ sông gần nhất",
    "long side along the line between its evidence points": "cạnh dài chạy theo đường nối các điểm bằng chứng",
    "orientation unknown (east–west drawn)": "chưa rõ hướng (vẽ theo hướng đông–tây)",
}
FIXED_VI = {
    "No boundary map is published: drawn as land around the parks, ports and communes the establishment decisions "
    "list, off the sea, inside the city, grown evenly to the declared area. Indicative.":
        "Chưa có bản đồ ranh giới nào được công bố: vẽ thành vùng đất bao quanh các khu công nghiệp, cảng và xã, "
        "phường mà các quyết định thành lập liệt kê, không lấn ra biển, nằm trong thành phố, nới đều cho tới diện "
        "tích công bố. Mang tính minh họa.",
    "The union of its sites, each drawn where the decision puts it: see the sites.":
        "Hợp của các khu thành phần, mỗi khu vẽ tại vị trí quyết định xác định: xem từng khu.",
    "South of Nam Đình Vũ zones 1–2 and north of the Lạch Huyện channel, as the final decision (QĐ 4068/QĐ-UBND, "
    "Oct 2025) bounds it: the southern part of the seaport plan's Nam Đình Vũ land beyond the park's declared "
    "1,329 ha, grown over the tidal flats to the site's 1,077 ha. Indicative.":
        "Phía nam các phân khu 1–2 của Nam Đình Vũ và phía bắc luồng Lạch Huyện, theo ranh giới của quyết định "
        "cuối cùng (QĐ 4068/QĐ-UBND, tháng 10/2025): phần phía nam khu đất Nam Đình Vũ trong quy hoạch cảng biển, "
        "ngoài 1.329 ha công bố của khu công nghiệp, nới rộng trên bãi triều tới 1.077 ha của khu. Mang tính minh "
        "họa.",
    "Placed on industrial land of the seaport master plan that may correspond to this site; the correspondence is "
    "not verified.":
        "Đặt trên đất công nghiệp của quy hoạch tổng thể cảng biển có thể tương ứng với khu này; sự tương ứng đó "
        "chưa được kiểm chứng.",
    "Simplified from the seaport master-plan layer, scaled to the declared area.":
        "Đơn giản hóa từ lớp quy hoạch tổng thể cảng biển, thu phóng theo diện tích công bố.",
    "Simplified from the seaport master-plan layer.": "Đơn giản hóa từ lớp quy hoạch tổng thể cảng biển.",
    "Runway strip and apron area drawn around the published aerodrome reference point, aligned with runway 07/25.":
        "Dải cất hạ cánh và khu sân đỗ vẽ quanh điểm quy chiếu sân bay đã công bố, theo hướng đường cất hạ cánh "
        "07/25.",
}  # fmt: skip
DRAWN = re.compile(
    r"Drawn around its position evidence \(best: (?P<marks>[^,]+), record (?P<record>[^)]+)\): a shape of the "
    r"(?P<known>declared area|nominal (?P<nominal>\d+) ha \(area unknown\)), (?P<why>.+), cut by the water and its "
    r"neighbours\. The true outline is not known; it may lie up to about (?P<metres>[\d,]+) m from this one\."
)


def vietnamese_note(note: str) -> str | None:
    """Return the Vietnamese of a note the outline tools write, or None for a note they do not write."""
    if note in FIXED_VI:
        return FIXED_VI[note]
    drawn = DRAWN.fullmatch(note)
    if drawn is None or drawn["marks"] not in MARKS_VI or drawn["why"] not in WHY_VI:
        return None
    nominal = drawn["nominal"]
    known = "diện tích công bố" if nominal is None else f"diện tích danh nghĩa {nominal} ha (chưa rõ diện tích)"
    metres = drawn["metres"].replace(",", ".")
    return (
        f"Vẽ quanh bằng chứng vị trí (tốt nhất: {MARKS_VI[drawn['marks']]}, bản ghi {drawn['record']}): một hình bằng "
        f"{known}, {WHY_VI[drawn['why']]}, cắt bỏ phần mặt nước và phần của các khu bên cạnh. Chưa biết ranh giới "
        f"thực; ranh giới đó có thể lệch tới khoảng {metres} m so với hình này."
    )


def with_vietnamese_notes(document: dict) -> dict:
    """Set ``geometry_note_vi`` beside each feature's ``geometry_note`` the tools wrote; keep the others'."""
    for feature in document["features"]:
        properties = feature["properties"]
        translated = vietnamese_note(properties.get("geometry_note", ""))
        ordered = {}
        for key, value in properties.items():
            if key == "geometry_note_vi":
                continue
            ordered[key] = value
            if key == "geometry_note":  # the twin beside its English, as the data files keep it
                ordered["geometry_note_vi"] = translated or properties.get("geometry_note_vi", "")
        feature["properties"] = ordered
    return document
