"""Vietnamese and English: choosing the language and the interface's words.

One catalog serves the server-rendered pages and, through the page's config, the map's script.
"""

from __future__ import annotations

from flask import request

from geo.catalog import FIGURE_FIELDS, LAYERS
from geo.errors import InvalidQuery

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

MESSAGES: dict[str, dict[str, str]] = {
    "app_title": {"vi": "Bản đồ công nghiệp Hải Phòng", "en": "Hải Phòng Industrial Map"},
    "app_subtitle": {
        "vi": "Khu kinh tế, khu và cụm công nghiệp, cảng biển, sân bay",
        "en": "Economic zones, industrial parks and clusters, seaports, airports",
    },
    "search_placeholder": {"vi": "Tìm khu, cụm, cảng…", "en": "Search parks, ports…"},
    "search_label": {"vi": "Tìm theo tên", "en": "Search by name"},
    "search_none": {"vi": "Không tìm thấy", "en": "Nothing found"},
    "language": {"vi": "Ngôn ngữ", "en": "Language"},
    "legend": {"vi": "Chú giải", "en": "Legend"},
    "legend_kinds": {"vi": "Loại", "en": "Kind"},
    "legend_status": {"vi": "Tình trạng (bấm để lọc)", "en": "Status (click to filter)"},
    "legend_quality": {"vi": "Độ tin cậy vị trí", "en": "Position reliability"},
    "group_zones": {"vi": "Khu kinh tế", "en": "Economic zones"},
    "group_industry": {"vi": "Công nghiệp", "en": "Industry"},
    "group_transport": {"vi": "Giao thông", "en": "Transport"},
    "group_basemap": {"vi": "Bản đồ nền", "en": "Basemap"},
    "basemap_osm": {"vi": "OpenStreetMap", "en": "OpenStreetMap"},
    "basemap_satellite": {"vi": "Ảnh vệ tinh", "en": "Satellite"},
    "offline_note": {
        "vi": "Chế độ ngoại tuyến: không tải bản đồ nền",
        "en": "Offline mode: no basemap tiles",
    },
    "details": {"vi": "Xem chi tiết", "en": "Details"},
    "no_data": {"vi": "không có dữ liệu", "en": "no data"},
    "status": {"vi": "Tình trạng", "en": "Status"},
    "as_of": {"vi": "tại thời điểm", "en": "as of"},
    "source": {"vi": "Nguồn", "en": "Source"},
    "sources": {"vi": "Nguồn", "en": "Sources"},
    "geometry_quality": {"vi": "Vị trí", "en": "Position"},
    "free_ha": {"vi": "Đất trống (ước tính)", "en": "Free land (estimate)"},
    "free_ha_help": {
        "vi": "diện tích cho thuê × (1 − tỷ lệ lấp đầy)",
        "en": "leasable area × (1 − occupancy)",
    },
    "distances": {"vi": "Khoảng cách (đường chim bay)", "en": "Distances (straight line)"},
    "distance_note": {
        "vi": "Khoảng cách đường tròn lớn giữa các tâm hình, không phải đường bộ.",
        "en": "Great-circle distance between centroids, not road distance.",
    },
    "place_lach_huyen": {"vi": "Cảng Lạch Huyện", "en": "Lạch Huyện port"},
    "place_nam_do_son": {"vi": "Cảng Nam Đồ Sơn", "en": "Nam Đồ Sơn port"},
    "place_cat_bi": {"vi": "Sân bay Cát Bi", "en": "Cát Bi airport"},
    "place_tien_lang_airport": {"vi": "Sân bay Tiên Lãng", "en": "Tiên Lãng airport"},
    "place_city_centre": {"vi": "Trung tâm thành phố", "en": "City centre"},
    "measure": {"vi": "Đo khoảng cách", "en": "Measure distance"},
    "measure_hint": {
        "vi": "Bấm lên bản đồ để thêm điểm; bấm nút lần nữa để kết thúc.",
        "en": "Click the map to add points; click the button again to finish.",
    },
    "measure_total": {"vi": "Tổng", "en": "Total"},
    "locate": {"vi": "Vị trí của tôi", "en": "Show my location"},
    "fullscreen": {"vi": "Toàn màn hình", "en": "Full screen"},
    "fullscreen_exit": {"vi": "Thoát toàn màn hình", "en": "Exit full screen"},
    "loading": {"vi": "Đang tải…", "en": "Loading…"},
    "load_failed": {"vi": "Không tải được lớp", "en": "Could not load layer"},
    "kind": {"vi": "Loại", "en": "Kind"},
    "developer": {"vi": "Chủ đầu tư hạ tầng / vận hành", "en": "Developer / operator"},
    "old_district": {"vi": "Quận/huyện (trước 2025)", "en": "District (before 2025)"},
    "commune_2025": {"vi": "Xã/phường (từ 2025)", "en": "Commune/ward (from 2025)"},
    "zone_declared": {"vi": "Thuộc khu kinh tế (công bố)", "en": "Economic zone (declared)"},
    "zone_spatial": {"vi": "Nằm trong khu kinh tế (theo ranh giới)", "en": "Economic zone (by outline)"},
    "former_province": {"vi": "Tỉnh cũ", "en": "Former province"},
    "province_hai-phong": {"vi": "Hải Phòng", "en": "Hải Phòng"},
    "province_hai-duong": {"vi": "Hải Dương (sáp nhập 1/7/2025)", "en": "Hải Dương (merged 1 July 2025)"},
    "sectors": {"vi": "Ngành", "en": "Sectors"},
    "tenants": {"vi": "Doanh nghiệp tiêu biểu", "en": "Notable tenants"},
    "aliases": {"vi": "Tên khác", "en": "Other names"},
    "figures": {"vi": "Số liệu", "en": "Figures"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "shown": {"vi": "Hiển thị", "en": "Shown"},
    "note": {"vi": "Ghi chú", "en": "Note"},
    "not_shown": {"vi": "giá trị khác, không hiển thị", "en": "other value, not shown"},
    "conflict": {"vi": "Các nguồn không thống nhất", "en": "Sources disagree"},
    "area_computed_ha": {"vi": "Diện tích theo ranh giới vẽ", "en": "Area of the drawn outline"},
    "permalink": {"vi": "Liên kết cố định", "en": "Permalink"},
    "download": {"vi": "Tải về", "en": "Download"},
    "back_to_map": {"vi": "Về bản đồ", "en": "Back to the map"},
    "show_on_map": {"vi": "Xem trên bản đồ", "en": "Show on the map"},
    "attributes": {"vi": "Thuộc tính", "en": "Attributes"},
    "geometry_note": {"vi": "Cách vẽ ranh giới", "en": "How the outline was drawn"},
    "described_as_of": {"vi": "mô tả thời điểm", "en": "describes"},
    "backs": {"vi": "dùng cho", "en": "backs"},
    "description": {"vi": "mô tả", "en": "description"},
    "error_title": {"vi": "Lỗi", "en": "Error"},
    "error_404": {"vi": "Không tìm thấy trang hoặc đối tượng này.", "en": "No such page or feature."},
    "error_400": {"vi": "Yêu cầu không hợp lệ.", "en": "The request is not valid."},
    "error_500": {"vi": "Lỗi máy chủ.", "en": "Server error."},
    "unknown_language": {
        "vi": "Ngôn ngữ '{value}' không được hỗ trợ; dùng vi hoặc en.",
        "en": "Language '{value}' is not supported; use vi or en.",
    },
    "data_about": {"vi": "Về dữ liệu", "en": "About the data"},
}

STATUS_LABELS = {
    "operating": {"vi": "Đang hoạt động", "en": "Operating"},
    "under_construction": {"vi": "Đang xây dựng", "en": "Under construction"},
    "planned": {"vi": "Quy hoạch", "en": "Planned"},
    "proposed": {"vi": "Đề xuất", "en": "Proposed"},
}
QUALITY_LABELS = {
    "traced": {"vi": "vẽ theo bản đồ tham chiếu", "en": "traced from a map reference"},
    "approximate": {"vi": "gần đúng, quanh một điểm đã biết", "en": "approximate, around a known point"},
    "indicative": {"vi": "minh họa, vị trí có thể lệch vài km", "en": "indicative, may be kilometres off"},
}
KIND_LABELS = {
    "economic_zone": {"vi": "Khu kinh tế", "en": "Economic zone"},
    "free_trade_zone_site": {"vi": "Khu thương mại tự do (vị trí)", "en": "Free-trade-zone site"},
    "industrial_park": {"vi": "Khu công nghiệp", "en": "Industrial park"},
    "industrial_complex": {"vi": "Tổ hợp công nghiệp", "en": "Industrial complex"},
    "industrial_logistics_zone": {"vi": "Khu công nghiệp – logistics", "en": "Industrial & logistics zone"},
    "industrial_cluster": {"vi": "Cụm công nghiệp", "en": "Industrial cluster"},
    "port_area": {"vi": "Khu bến cảng", "en": "Port area"},
    "port_terminal": {"vi": "Bến cảng", "en": "Port terminal"},
    "airport": {"vi": "Cảng hàng không", "en": "Airport"},
}
FIELD_LABELS = {
    "area_ha": {"vi": "Diện tích", "en": "Area"},
    "leasable_ha": {"vi": "Diện tích đất công nghiệp cho thuê", "en": "Leasable industrial land"},
    "occupancy_pct": {"vi": "Tỷ lệ lấp đầy", "en": "Occupancy"},
    "year_established": {"vi": "Năm thành lập", "en": "Year established"},
    "investment_vnd_bn": {"vi": "Vốn đầu tư hạ tầng", "en": "Infrastructure investment"},
    "investment_usd_m": {"vi": "Vốn đầu tư", "en": "Investment"},
    "capacity_teu_per_year": {"vi": "Công suất container", "en": "Container capacity"},
    "quay_length_m": {"vi": "Chiều dài cầu cảng", "en": "Quay length"},
    "runway_length_m": {"vi": "Chiều dài đường băng", "en": "Runway length"},
    "passengers_per_year": {"vi": "Hành khách/năm", "en": "Passengers per year"},
}
UNIT_LABELS = {
    "ha": {"vi": "ha", "en": "ha"},
    "%": {"vi": "%", "en": "%"},
    "year": {"vi": "", "en": ""},
    "billion VND": {"vi": "tỷ đồng", "en": "billion VND"},
    "million USD": {"vi": "triệu USD", "en": "million USD"},
    "TEU/year": {"vi": "TEU/năm", "en": "TEU/year"},
    "m": {"vi": "m", "en": "m"},
    "passengers/year": {"vi": "lượt/năm", "en": "per year"},
}


def language() -> str:
    """Return the request's language: ``?lang=`` when given, else the browser's preference.

    Raises
    ------
    InvalidQuery
        When ``?lang=`` names a language the app does not speak.
    """
    asked = request.args.get("lang")
    if asked is not None:
        if asked not in LANGUAGES:
            raise InvalidQuery(MESSAGES["unknown_language"][preferred_language()].format(value=asked))
        return asked
    return preferred_language()


def preferred_language() -> str:
    """Return the browser's preferred language among ours (Accept-Language), Vietnamese by default."""
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def t(key: str, lang: str) -> str:
    """Return the interface text ``key`` in ``lang``."""
    return MESSAGES[key][lang]


def layer_title(name: str, lang: str) -> str:
    """Return a layer's title in ``lang``."""
    spec = next(s for s in LAYERS if s.name == name)
    return spec.title_vi if lang == "vi" else spec.title_en


def catalog(lang: str) -> dict:
    """Return every label the map's script needs, in ``lang``."""
    return {
        "messages": {key: texts[lang] for key, texts in MESSAGES.items()},
        "status": {key: texts[lang] for key, texts in STATUS_LABELS.items()},
        "quality": {key: texts[lang] for key, texts in QUALITY_LABELS.items()},
        "kind": {key: texts[lang] for key, texts in KIND_LABELS.items()},
        "field": {key: texts[lang] for key, texts in FIELD_LABELS.items()},
        "field_unit": {field: UNIT_LABELS[spec.unit][lang] for field, spec in FIGURE_FIELDS.items()},
    }
