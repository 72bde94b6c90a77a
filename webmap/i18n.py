"""Vietnamese and English: choosing the language and the interface's words.

One catalog serves the server-rendered pages and, through the page's config, the map's script.
"""

from __future__ import annotations

from flask import request

from geo.catalog import FIGURE_FIELDS, LAYERS
from geo.errors import InvalidQuery

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LOCALES = {"vi": "vi-VN", "en": "en-GB"}  # how the page's script formats numbers (Intl) in each language

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
    "undated": {"vi": "không rõ thời điểm", "en": "undated"},
    "one_of_these": {
        "vi": "một trong các nguồn này; chưa kiểm chứng theo từng số liệu",
        "en": "one of these; not verified per figure",
    },
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
    "uncertainty_unknown": {"vi": "chưa rõ sai số vị trí", "en": "position uncertainty not stated"},
    "legend_uncertainty": {"vi": "± km = tổng sai số vị trí hai nơi", "en": "± km: both positions' uncertainty"},
    "uncertainty_note": {
        "vi": "Khoảng cách ghi “± x km”: sai số tối đa, bằng tổng sai số vị trí của hai địa điểm.",
        "en": "Distances read “± x km”: the most they may be off, the sum of both places' position uncertainties.",
    },
    "position": {"vi": "Vị trí và bằng chứng", "en": "Position and its evidence"},
    "position_uncertainty": {"vi": "Sai số vị trí đã nêu", "en": "Stated position uncertainty"},
    "position_evidence": {"vi": "Bằng chứng vị trí", "en": "Position evidence"},
    "position_none": {
        "vi": "Chưa có bằng chứng vị trí nào được ghi nhận cho địa điểm này.",
        "en": "No position evidence is recorded for this feature yet.",
    },
    "position_marks": {"vi": "Đánh dấu", "en": "Marks"},
    "confidence": {"vi": "Độ tin cậy", "en": "Confidence"},
    "radius": {"vi": "Bán kính", "en": "Radius"},
    "best_evidence": {"vi": "bằng chứng tốt nhất", "en": "best evidence"},
    "outline_to_evidence": {
        "vi": "Khoảng cách từ ranh giới đến bằng chứng tốt nhất",
        "en": "Outline to its best evidence",
    },
    "place_lach_huyen": {"vi": "Cảng Lạch Huyện", "en": "Lạch Huyện port"},
    "place_nam_do_son": {"vi": "Cảng Nam Đồ Sơn", "en": "Nam Đồ Sơn port"},
    "place_cat_bi": {"vi": "Sân bay Cát Bi", "en": "Cát Bi airport"},
    "place_tien_lang_airport": {"vi": "Sân bay Tiên Lãng", "en": "Tiên Lãng airport"},
    "place_city_centre": {"vi": "Trung tâm thành phố", "en": "City centre"},
    "measure": {"vi": "Đo khoảng cách", "en": "Measure distance"},
    "measure_hint": {
        "vi": "Bấm lên bản đồ để thêm điểm; bấm lại một điểm đã đặt hoặc nút này để kết thúc.",
        "en": "Click the map to add points; click a point already placed, or this button, to finish.",
    },
    "draw_first_corner": {"vi": "Bấm để đặt điểm đầu tiên", "en": "Click to place the first point"},
    "draw_next_corner": {"vi": "Bấm để thêm điểm", "en": "Click to add a point"},
    "draw_finish_line": {"vi": "Bấm vào một điểm đã đặt để kết thúc", "en": "Click a point already placed to finish"},
    "draw_finish_polygon": {
        "vi": "Bấm vào góc đầu tiên để khép kín",
        "en": "Click the first corner to close the outline",
    },
    "measure_total": {"vi": "Tổng", "en": "Total"},
    "locate": {"vi": "Vị trí của tôi", "en": "Show my location"},
    "fullscreen": {"vi": "Toàn màn hình", "en": "Full screen"},
    "fullscreen_exit": {"vi": "Thoát toàn màn hình", "en": "Exit full screen"},
    "loading": {"vi": "Đang tải…", "en": "Loading…"},
    "loading_layers": {"vi": "Đang tải các lớp bản đồ…", "en": "Loading the map's layers…"},
    "zoom_in": {"vi": "phóng to để xem", "en": "zoom in to see them"},
    "load_failed": {"vi": "Không tải được", "en": "Could not load"},
    "load_failed_help": {
        "vi": "Hãy kiểm tra kết nối mạng rồi tải lại trang.",
        "en": "Check your connection, then reload the page.",
    },
    "reload": {"vi": "Tải lại", "en": "Reload"},
    "tool_failed": {"vi": "Không tải được công cụ này.", "en": "Could not load this tool."},
    "popup_failed": {
        "vi": "Không tải được thông tin; hãy đóng rồi mở lại.",
        "en": "Could not load the details; close this and open it again.",
    },
    "request_unreachable": {
        "vi": "Không kết nối được với máy chủ. Hãy kiểm tra kết nối mạng rồi thử lại.",
        "en": "The server could not be reached. Check your connection and try again.",
    },
    "request_failed": {
        "vi": "Máy chủ không trả lời được (HTTP {status}). Hãy thử lại sau.",
        "en": "The server could not answer (HTTP {status}). Try again later.",
    },
    "copy_link": {"vi": "Sao chép liên kết", "en": "Copy link"},
    "link_copied": {"vi": "Đã sao chép liên kết", "en": "Link copied"},
    "copy_link_manual": {"vi": "Hãy sao chép liên kết này:", "en": "Copy this link:"},
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
    "close": {"vi": "Đóng", "en": "Close"},
    "find_site": {"vi": "Tìm địa điểm", "en": "Find a site"},
    "find_site_title": {"vi": "Tìm khu công nghiệp phù hợp", "en": "Find a park that fits"},
    "sites_status": {"vi": "Tình trạng", "en": "Status"},
    "sites_min_free": {"vi": "Đất trống tối thiểu (ha)", "en": "Minimum free land (ha)"},
    "sites_max_km": {"vi": "Khoảng cách tối đa (km, đường chim bay)", "en": "Maximum distance (km, straight line)"},
    "sites_sector": {"vi": "Ngành", "en": "Sector"},
    "sites_any": {"vi": "Bất kỳ", "en": "Any"},
    "sites_in_zone": {"vi": "Khu kinh tế (ưu đãi)", "en": "Economic zone (incentives)"},
    "zone_yes": {"vi": "Trong một khu kinh tế", "en": "Inside an economic zone"},
    "zone_no": {"vi": "Ngoài khu kinh tế", "en": "Outside economic zones"},
    "sites_province": {"vi": "Tỉnh cũ", "en": "Former province"},
    "sites_weights": {"vi": "Trọng số xếp hạng", "en": "Ranking weights"},
    "sites_weights_help": {
        "vi": "0 = không tính. Điểm mỗi tiêu chí 0–100: đất trống đủ 100 ha được 100; "
        "khoảng cách 0 km được 100, từ 60 km trở lên được 0.",
        "en": "0 = ignored. Each criterion scores 0–100: 100 ha of free land scores 100; "
        "0 km scores 100, 60 km or more scores 0.",
    },
    "sites_search": {"vi": "Tìm", "en": "Search"},
    "sites_reset": {"vi": "Đặt lại", "en": "Reset"},
    "sites_results": {"vi": "kết quả", "en": "results"},
    "sites_none": {"vi": "Không có khu nào thỏa mãn mọi điều kiện.", "en": "No park meets every condition."},
    "sites_unknown": {
        "vi": "khu chưa đánh giá được (thiếu số liệu)",
        "en": "parks could not be judged (missing figures)",
    },
    "sites_score_explained": {
        "vi": "Điểm = trung bình có trọng số của điểm 0–100 của các tiêu chí đã biết số liệu; mỗi phần là "
        "trọng số × điểm ÷ tổng trọng số, làm tròn 0,01 sao cho cộng lại đúng bằng điểm; chênh nhau không quá "
        "0,5 điểm thì đồng hạng.",
        "en": "Score = the weighted mean of the 0–100 points of the criteria whose values are known; each part is "
        "weight × points ÷ total weight, rounded to 0.01 so that the parts add up to the score; scores within "
        "0.5 points share a rank.",
    },
    "sites_unknowns": {"vi": "Khu thiếu số liệu", "en": "Parks lacking figures"},
    "sites_unknowns_apart": {"vi": "Liệt kê riêng", "en": "List them apart"},
    "sites_unknowns_include": {
        "vi": "Xếp hạng theo số liệu đã biết (có đánh dấu)",
        "en": "Rank them on what is known (marked)",
    },
    "sites_unknowns_exclude": {"vi": "Bỏ qua", "en": "Leave them out"},
    "sites_excluded": {"vi": "khu bị bỏ qua vì thiếu số liệu", "en": "parks left out for lacking figures"},
    "sites_tied": {"vi": "đồng hạng", "en": "tied"},
    "sites_lacks": {"vi": "Thiếu số liệu", "en": "Lacks figures"},
    "sites_not_scored": {"vi": "chưa chấm điểm được", "en": "not scored"},
    "sites_compare": {"vi": "So sánh các khu đã chọn", "en": "Compare the selected parks"},
    "sites_compare_help": {"vi": "Chọn 2–4 khu để so sánh", "en": "Tick 2–4 parks to compare"},
    "sites_pick": {"vi": "Chọn để so sánh", "en": "Pick to compare"},
    "sites_need_status": {"vi": "Chọn ít nhất một tình trạng.", "en": "Tick at least one status."},
    "export_csv": {"vi": "Tải CSV", "en": "Download CSV"},
    "export_geojson": {"vi": "Tải GeoJSON", "en": "Download GeoJSON"},
    "score": {"vi": "Điểm", "en": "Score"},
    "points": {"vi": "điểm", "en": "pts"},
    "criterion_free_land": {"vi": "Đất trống", "en": "Free land"},
    "proposal": {"vi": "Kiểm tra đề xuất", "en": "Check a proposal"},
    "proposal_title": {"vi": "Kiểm tra một khu đề xuất", "en": "Check a proposed site"},
    "proposal_hint": {
        "vi": "Bấm lên bản đồ để đặt các góc của khu đề xuất, rồi bấm Hoàn tất. Sau đó có thể kéo một góc để "
        "dời, kéo điểm giữa một cạnh để thêm góc, bấm chuột phải vào một góc để xóa.",
        "en": "Click the map to place the corners of the proposed site, then Finish. Then drag a corner to move "
        "it, drag the midpoint of a side to add one, right-click a corner to remove it.",
    },
    "proposal_finish": {"vi": "Hoàn tất", "en": "Finish"},
    "proposal_undo": {"vi": "Hoàn tác", "en": "Undo"},
    "proposal_running_area": {"vi": "Diện tích đang vẽ", "en": "Area so far"},
    "proposal_not_json": {"vi": "Văn bản đã dán không phải JSON hợp lệ.", "en": "The pasted text is not valid JSON."},
    "proposal_clear": {"vi": "Xóa", "en": "Clear"},
    "proposal_paste": {"vi": "Hoặc dán hình GeoJSON (kinh độ, vĩ độ)", "en": "Or paste a GeoJSON geometry (lon, lat)"},
    "proposal_check": {"vi": "Kiểm tra", "en": "Check"},
    "proposal_area": {"vi": "Diện tích", "en": "Area"},
    "proposal_zone": {"vi": "Khu kinh tế", "en": "Economic zone"},
    "proposal_outside": {"vi": "Ngoài mọi khu kinh tế", "en": "Outside every economic zone"},
    "proposal_overlaps": {"vi": "Chồng lấn với khu/cụm hiện có", "en": "Overlaps existing parks and clusters"},
    "proposal_no_overlap": {"vi": "Không chồng lấn khu/cụm nào", "en": "Overlaps no park or cluster"},
    "proposal_need_points": {"vi": "Cần ít nhất 3 góc.", "en": "At least 3 corners are needed."},
    "of_proposal": {"vi": "của khu đề xuất", "en": "of the proposal"},
    "coverage": {"vi": "Độ phủ & chất lượng dữ liệu", "en": "Coverage & data quality"},
    "coverage_short": {"vi": "Độ phủ", "en": "Coverage"},
    "glance": {"vi": "Hải Phòng trong nháy mắt", "en": "Hải Phòng at a glance"},
    "glance_short": {"vi": "Tổng quan", "en": "At a glance"},
    "glance_intro": {
        "vi": "Số liệu về toàn thành phố, mỗi số kèm ngày và nguồn nêu nó; "
        "các giá trị khác (cũ hơn, nguồn khác) ở dưới.",
        "en": "Figures about the city as a whole, each with its date and the sources that state it; other values "
        "(earlier, or from other sources) below.",
    },
    "glance_reference": {
        "vi": "{parks} khu công nghiệp trên ~{area} ha theo thành phố ({as_of}) — "
        "{data_parks} khu trong bộ dữ liệu này.",
        "en": "{parks} industrial parks on ~{area} ha per the city ({as_of}) — {data_parks} in this data set.",
    },
    "glance_figure": {"vi": "Chỉ tiêu", "en": "Figure"},
    "glance_value": {"vi": "Giá trị", "en": "Value"},
    "glance_as_of": {"vi": "Thời điểm", "en": "As of"},
    "glance_sources": {"vi": "Nguồn", "en": "Sources"},
    "glance_note": {"vi": "Ghi chú", "en": "Note"},
    "glance_others": {"vi": "Các giá trị khác", "en": "Other values"},
    "glance_unverified": {
        "vi": "(theo bảng tổng hợp; chưa đọc lại trang nguồn)", "en": "(per the fact sheet; page not re-read)"
    },
    "coverage_intro": {
        "vi": "Các khu công nghiệp phủ bao nhiêu diện tích mỗi khu kinh tế, lấp đầy đến đâu, "
        "chồng lấn và thiếu sót dữ liệu ở đâu.",
        "en": "How much of each economic zone the industrial parks cover, how full they are, where they overlap, "
        "and which figures are missing, stale or contradictory.",
    },
    "coverage_by_zone": {"vi": "Độ phủ theo khu kinh tế và tình trạng", "en": "Coverage by economic zone and status"},
    "coverage_method": {
        "vi": "Diện tích phủ = hợp các ranh giới khu công nghiệp cắt theo khu kinh tế, đo trong EPSG:32648; "
        "phần chồng lấn chỉ tính một lần và tính cho tình trạng cao nhất. "
        "Ranh giới hai khu kinh tế chỉ mang tính minh họa.",
        "en": "Covered = the union of the park outlines clipped to the zone, measured in EPSG:32648; overlaps count "
        "once, for the most advanced status. Both zones' outlines are indicative, and so are these figures.",
    },
    "coverage_certainty": {
        "vi": "Phần phủ dựa trên ranh giới chắc chắn và chưa chắc chắn",
        "en": "Coverage resting on known and on uncertain outlines",
    },
    "outlines_known": {"vi": "ranh giới sai số ≤ {metres} m", "en": "outlines known to within {metres} m"},
    "outlines_uncertain": {"vi": "ranh giới chưa chắc chắn", "en": "uncertain outlines"},
    "coverage_certainty_note": {
        "vi": "Đất dưới một ranh giới có sai số vị trí không quá {metres} m được tính là chắc chắn; phần còn lại "
        "chỉ nằm dưới các ranh giới sai số lớn hơn hoặc chưa nêu sai số. Hai phần cộng lại bằng diện tích được phủ.",
        "en": "Land under an outline whose position is known to within {metres} m counts as known; the rest lies "
        "only under outlines that are more uncertain or state no uncertainty. The two add up to the covered area.",
    },
    "zone": {"vi": "Khu kinh tế", "en": "Economic zone"},
    "declared_area": {"vi": "Diện tích công bố", "en": "Declared area"},
    "outline_area": {"vi": "Diện tích ranh giới vẽ", "en": "Outline area"},
    "covered": {"vi": "Được phủ", "en": "Covered"},
    "parks_count": {"vi": "Số khu", "en": "Parks"},
    "leasable": {"vi": "Đất cho thuê", "en": "Leasable"},
    "occupied": {"vi": "Đã lấp đầy", "en": "Occupied"},
    "occupancy": {"vi": "Tỷ lệ lấp đầy (bình quân gia quyền)", "en": "Occupancy (weighted)"},
    "occupancy_by_park": {"vi": "Tỷ lệ lấp đầy theo khu", "en": "Occupancy by park"},
    "occupancy_note": {
        "vi": "Chỉ các khu có công bố tỷ lệ lấp đầy; năm là thời điểm số liệu mô tả.",
        "en": "Only parks whose occupancy was published; the year is the date the figure describes.",
    },
    "by_district": {"vi": "Theo quận/huyện cũ và xã/phường mới", "en": "By old district and new commune"},
    "outside_zones": {"vi": "Khu công nghiệp ngoài mọi khu kinh tế", "en": "Parks outside every economic zone"},
    "overlaps": {"vi": "Các khu chồng lấn nhau", "en": "Parks that overlap"},
    "overlap_area": {"vi": "Diện tích chồng lấn", "en": "Overlap"},
    "share_of_smaller": {"vi": "% của khu nhỏ hơn", "en": "% of the smaller park"},
    "area_mismatches": {
        "vi": "Diện tích công bố lệch ranh giới vẽ quá 15 %",
        "en": "Declared area more than 15 % off the outline",
    },
    "ratio": {"vi": "Tỷ số", "en": "Ratio"},
    "totals": {"vi": "Tổng cộng", "en": "Totals"},
    "union_area": {"vi": "Diện tích hợp (không tính trùng)", "en": "Union area (overlaps once)"},
    "data_quality": {"vi": "Chất lượng dữ liệu", "en": "Data quality"},
    "quality_reference": {"vi": "Ngày tham chiếu:", "en": "Reference date:"},
    "completeness": {
        "vi": "Mức đầy đủ của từng thuộc tính (khu công nghiệp)",
        "en": "Completeness of each attribute (parks)",
    },
    "known": {"vi": "Có dữ liệu", "en": "Known"},
    "stale_figures": {"vi": "Số liệu cũ hơn 2 năm", "en": "Figures older than two years"},
    "age_years": {"vi": "Tuổi (năm)", "en": "Age (years)"},
    "conflicting_figures": {"vi": "Số liệu mâu thuẫn giữa các nguồn", "en": "Figures the sources disagree on"},
    "approximate_geometry": {"vi": "Ranh giới gần đúng hoặc minh họa", "en": "Approximate or indicative outlines"},
    "show_list": {"vi": "Xem danh sách", "en": "Show the list"},
    "none": {"vi": "Không có.", "en": "None."},
    "compare_title": {"vi": "So sánh khu công nghiệp", "en": "Compare industrial parks"},
    "compare_need": {
        "vi": "Cần 2 đến 4 mã khu, cách nhau bằng dấu phẩy: ?ids=mã-1,mã-2",
        "en": "Give 2 to 4 park ids, separated by commas: ?ids=id-1,id-2",
    },
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
MARK_LABELS = {
    "official_coordinate": {"vi": "tọa độ trong văn bản chính thức", "en": "coordinates in an official document"},
    "osm_outline": {"vi": "vùng trên OpenStreetMap", "en": "an OpenStreetMap area"},
    "gis_polygon": {"vi": "vùng trong lớp GIS quy hoạch cảng", "en": "a polygon of the seaport plan's GIS layer"},
    "map_pin": {"vi": "ghim, cổng hoặc văn phòng trên bản đồ", "en": "a pin, gate or office on a public map"},
    "tenant_plot": {"vi": "lô đất của một doanh nghiệp thuê", "en": "a tenant's plot"},
    "landmark": {"vi": "mốc địa lý nguồn nêu", "en": "a landmark the sources name"},
    "commune_centre": {"vi": "trung tâm xã/phường", "en": "the commune's centre"},
    "reclaimed_land": {"vi": "đất lấn biển/sông", "en": "land reclaimed from the water"},
    "shared_land": {"vi": "đất chung với khu khác", "en": "land shared with another feature"},
    "synthetic": {"vi": "dữ liệu giả lập", "en": "synthetic (scale test)"},
}
CONFIDENCE_LABELS = {
    "high": {"vi": "cao", "en": "high"},
    "medium": {"vi": "trung bình", "en": "medium"},
    "low": {"vi": "thấp", "en": "low"},
}
KIND_LABELS = {
    "economic_zone": {"vi": "Khu kinh tế", "en": "Economic zone"},
    "free_trade_zone": {"vi": "Khu thương mại tự do", "en": "Free trade zone"},
    "free_trade_zone_site": {"vi": "Khu thương mại tự do (vị trí)", "en": "Free-trade-zone site"},
    "industrial_park": {"vi": "Khu công nghiệp", "en": "Industrial park"},
    "industrial_complex": {"vi": "Tổ hợp công nghiệp", "en": "Industrial complex"},
    "industrial_logistics_zone": {"vi": "Khu công nghiệp – logistics", "en": "Industrial & logistics zone"},
    "industrial_cluster": {"vi": "Cụm công nghiệp", "en": "Industrial cluster"},
    "port_area": {"vi": "Khu bến cảng", "en": "Port area"},
    "port_terminal": {"vi": "Bến cảng", "en": "Port terminal"},
    "airport": {"vi": "Cảng hàng không", "en": "Airport"},
    "factory": {"vi": "Nhà máy", "en": "Factory"},
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
    "vacant_ha": {"vi": "Đất trống cho thuê (theo nguồn)", "en": "Vacant leasable land (as stated)"},
    "lease_usd_m2": {"vi": "Giá thuê đất", "en": "Land lease price"},
    "power_mva": {"vi": "Công suất trạm điện", "en": "Power substation capacity"},
    "water_m3_per_day": {"vi": "Công suất cấp nước", "en": "Water supply capacity"},
    "wastewater_m3_per_day": {"vi": "Công suất xử lý nước thải", "en": "Wastewater treatment capacity"},
    "tenant_investment_usd_m": {"vi": "Vốn đầu tư của một nhà đầu tư thứ cấp", "en": "A tenant's investment"},
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
    "USD/m² for the remaining term": {"vi": "USD/m² cho thời hạn còn lại", "en": "USD/m² for the remaining term"},
    "MVA": {"vi": "MVA", "en": "MVA"},
    "m³/day": {"vi": "m³/ngày", "en": "m³/day"},
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


ATTRIBUTE_MESSAGES = {"zone_id": "zone_declared"}  # attribute columns whose label has another message key


def field_label(field: str, lang: str) -> str:
    """Return the label of a figure field or an attribute column in ``lang``."""
    if field in FIELD_LABELS:
        return FIELD_LABELS[field][lang]
    return t(ATTRIBUTE_MESSAGES.get(field, field), lang)


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
