"""What the data set is made of: layers, vocabularies, figure fields and reference places.

Everything here is a fixed part of the product's data model; the data directory supplies the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from shapely.geometry import box

# What a layer's features are drawn as: the geometry kind → the GeoJSON types it allows.
GEOMETRY_KINDS: dict[str, tuple[str, ...]] = {
    "polygon": ("Polygon", "MultiPolygon"),  # outlines: zones, parks, ports, ...
    "point": ("Point", "MultiPoint"),  # positions: factories
}


@dataclass(frozen=True)
class LayerSpec:
    """Where a layer's files are and what it holds."""

    name: str  # stable layer id, also the OGC API collection id
    title_en: str
    title_vi: str
    kinds: tuple[str, ...]  # allowed values of the ``kind`` attribute
    geometry: str = "polygon"  # a key of ``GEOMETRY_KINDS``: outlines or point positions

    def __post_init__(self) -> None:
        if self.geometry not in GEOMETRY_KINDS:
            known = ", ".join(GEOMETRY_KINDS)
            raise ValueError(f"layer {self.name}: geometry '{self.geometry}' is not one of: {known}")

    @property
    def geometry_types(self) -> tuple[str, ...]:
        """The GeoJSON geometry types the layer's features may have."""
        return GEOMETRY_KINDS[self.geometry]

    @property
    def geometry_file(self) -> str:
        """File name of the GeoJSON geometry layer (EPSG:4326)."""
        return f"{self.name}.geojson"

    @property
    def attributes_file(self) -> str:
        """File name of the attribute table joined to the geometry by ``id``."""
        return f"{self.name}.csv"


WEB_CRS = "EPSG:4326"  # storage and serving: GeoJSON longitude/latitude
METRIC_CRS = "EPSG:32648"  # WGS 84 / UTM 48N: areas and buffers in metres

LAYERS: tuple[LayerSpec, ...] = (
    LayerSpec(
        "economic-zones",
        "Economic zones",
        "Khu kinh tế",
        ("economic_zone", "free_trade_zone", "free_trade_zone_site"),
    ),
    LayerSpec(
        "industrial-parks",
        "Industrial parks",
        "Khu công nghiệp",
        ("industrial_park", "industrial_complex", "industrial_logistics_zone"),
    ),
    LayerSpec(
        "industrial-clusters",
        "Industrial clusters",
        "Cụm công nghiệp",
        ("industrial_cluster",),
    ),
    LayerSpec("ports", "Seaports", "Cảng biển", ("port_area", "port_terminal")),
    LayerSpec("airports", "Airports", "Cảng hàng không", ("airport",)),
    # Points: a factory's position; ``parent_id`` names the park it stands in.
    LayerSpec("factories", "Factories", "Nhà máy", ("factory",), geometry="point"),
)

STATUSES = ("operating", "under_construction", "planned", "proposed")
GEOMETRY_QUALITIES = {
    "traced": "traced from a map reference",
    "approximate": "approximate, drawn around a known point",
    "indicative": "indicative, location uncertain by kilometres",
}
FORMER_PROVINCES = ("hai-phong", "hai-duong")  # the two provinces merged on 1 July 2025

# What a position record (positions.csv) marks: the kinds of evidence for where a feature is,
# roughly from the most to the least telling.
POSITION_MARKS = {
    "official_coordinate": "coordinates printed in an official document (decision, maritime notice, eAIP)",
    "osm_outline": "an OpenStreetMap area mapped for the feature",
    "gis_polygon": "a named polygon of the city's seaport master-plan layer",
    "map_pin": "the feature's pin, gate or office on a public map",
    "tenant_plot": "a tenant's plot or factory inside the feature",
    "landmark": "a landmark the sources place the feature at (a road marker, a bridge, a river bank)",
    "commune_centre": "the centre of the commune the sources place the feature in",
    "reclaimed_land": "a source saying the feature stands on land reclaimed from the water here",
    "shared_land": "a source saying this land belongs to the feature and to another one too (the point is on it)",
    "synthetic": "made up for a scale test (hpmap synth); never in real data",
}
CONFIDENCES = ("high", "medium", "low")  # how far a position record is trusted, best first
# Context geography (context.geojson): what the map and the checks measure features against.
CONTEXT_KINDS = {
    "province": "the city's boundary (polygon)",
    "neighbour": "a neighbouring province's land (polygon): no outline may reach into it",
    "sea": "open sea and estuaries (polygon)",
    "river": "a river's water surface (polygon)",
    "place": "a commune, ward or district centre, for labels and the commune check (point)",
}

# Hải Phòng after the 2025 merger, mainland and near islands (Bạch Long Vĩ is left out:
# no industrial feature lies there). Longitude/latitude degrees.
REGION_BOUNDS = (105.9, 20.45, 107.2, 21.25)
REGION = box(*REGION_BOUNDS)

REQUIRED_COLUMNS = (
    "id", "name_vi", "name_en", "aliases", "kind", "status", "status_as_of",
    "status_detail", "parent_id", "zone_id", "former_province", "developer",
    "old_district", "commune_2025", "sectors", "tenants", "sources",
)  # fmt: skip
# The attribute tables' English text, each of which may have a Vietnamese twin column beside it
# (``files.vietnamese``: ``status_detail_vi``, ...), optional: a table without them loads.
TRANSLATED_ATTRIBUTES = ("status_detail", "developer", "old_district", "commune_2025", "sectors")
# "; "-separated in the tables; ``sectors_vi`` names the same sectors, in the same order, in Vietnamese.
LIST_COLUMNS = ("aliases", "sectors", "sectors_vi", "tenants")


@dataclass(frozen=True)
class FigureField:
    """A numeric attribute that must carry its source and the date it describes."""

    unit: str
    minimum: float = 0.0
    maximum: float | None = None
    integer: bool = False


FIGURE_FIELDS: dict[str, FigureField] = {
    "area_ha": FigureField("ha"),
    "leasable_ha": FigureField("ha"),
    "occupancy_pct": FigureField("%", 0, 100),
    "year_established": FigureField("year", 1900, 2100, integer=True),
    "investment_vnd_bn": FigureField("billion VND"),
    "investment_usd_m": FigureField("million USD"),
    "capacity_teu_per_year": FigureField("TEU/year"),
    "quay_length_m": FigureField("m"),
    "runway_length_m": FigureField("m"),
    "passengers_per_year": FigureField("passengers/year"),
    # Stated by a source as vacant, leasable land; ``free_ha`` prefers it to leasable × (1 − occupancy).
    "vacant_ha": FigureField("ha"),
    # What the developer asks for land, per m² for the remaining term of the park (as published).
    "lease_usd_m2": FigureField("USD/m² for the remaining term"),
    "power_mva": FigureField("MVA"),
    "water_m3_per_day": FigureField("m³/day"),
    "wastewater_m3_per_day": FigureField("m³/day"),
    # One tenant's investment in the feature; the note names the tenant (and says when a group's total).
    "tenant_investment_usd_m": FigureField("million USD"),
}


@dataclass(frozen=True)
class CityField:
    """A figure about the city as a whole (``city-figures.csv``): its unit and what it counts, in both languages."""

    unit: str
    en: str
    vi: str
    maximum: float | None = None


CITY_FIELDS: dict[str, CityField] = {
    "ip_count": CityField("parks", "Industrial parks (the merged city)", "Khu công nghiệp (thành phố sau sáp nhập)"),
    "ip_area_ha": CityField("ha", "Area of the industrial parks", "Diện tích các khu công nghiệp"),
    "ip_operating_count": CityField("parks", "Industrial parks operating", "Khu công nghiệp đang hoạt động"),
    "ip_count_existing": CityField("parks", "Existing industrial parks (former Hải Phòng)",
                                   "Khu công nghiệp hiện có (Hải Phòng cũ)"),
    "ip_area_existing_ha": CityField("ha", "Area of the existing industrial parks (former Hải Phòng)",
                                     "Diện tích khu công nghiệp hiện có (Hải Phòng cũ)"),
    "ip_established_h1_2025": CityField("parks", "Industrial parks established in the first half of 2025",
                                        "Khu công nghiệp thành lập 6 tháng đầu 2025"),
    "ip_occupancy_pct": CityField("%", "Occupancy of the industrial parks (former Hải Phòng)",
                                  "Tỷ lệ lấp đầy khu công nghiệp (Hải Phòng cũ)", 100),
    "hd_ip_occupancy_pct": CityField("%", "Occupancy of the industrial parks (former Hải Dương)",
                                     "Tỷ lệ lấp đầy khu công nghiệp (Hải Dương cũ)", 100),
    "hd_ip_vacant_ha": CityField("ha", "Vacant leasable land in parks (former Hải Dương)",
                                 "Đất trống cho thuê trong KCN (Hải Dương cũ)"),
    "hd_ip_factory_land_ha": CityField("ha", "Land for factories in the parks with detailed plans (former Hải Dương)",
                                       "Đất xây dựng nhà máy trong các KCN có quy hoạch chi tiết (Hải Dương cũ)"),
    "planned_new_ip_count": CityField("parks", "New industrial parks planned (2021–2025)",
                                      "Khu công nghiệp mới theo quy hoạch (2021–2025)"),
    "planned_new_ip_area_ha": CityField("ha", "Area of the new industrial parks planned",
                                        "Diện tích khu công nghiệp mới theo quy hoạch"),
    "planned_ip_area_ha": CityField("ha", "Planned area of the industrial parks (master plan)",
                                    "Diện tích khu công nghiệp theo quy hoạch"),
    "planned_ip_area_2050_ha": CityField("ha", "Planned area of the industrial parks by 2050",
                                         "Diện tích khu công nghiệp quy hoạch đến 2050"),
    "ccn_count": CityField("clusters", "Industrial clusters", "Cụm công nghiệp"),
    "ccn_area_ha": CityField("ha", "Area of the industrial clusters", "Diện tích các cụm công nghiệp"),
    "ccn_operating_count": CityField("clusters", "Industrial clusters operating", "Cụm công nghiệp đang hoạt động"),
    "economic_zone_count": CityField("zones", "Economic zones", "Khu kinh tế"),
    "economic_zone_area_ha": CityField("ha", "Area of the economic zones", "Diện tích các khu kinh tế"),
    "southern_ez_area_ha": CityField("ha", "Area of the Southern Coastal Economic Zone",
                                     "Diện tích Khu kinh tế ven biển phía Nam"),
    "specialised_ez_area_ha": CityField("ha", "Area of the Hải Phòng Specialised Economic Zone",
                                        "Diện tích Khu kinh tế chuyên biệt Hải Phòng"),
    "ftz_area_ha": CityField("ha", "Area of the free trade zone", "Diện tích khu thương mại tự do"),
    "zone_projects": CityField("projects", "Projects in the parks and economic zones",
                               "Dự án trong các KCN và khu kinh tế"),
    "zone_registered_capital_usd_bn": CityField("bn USD", "Capital registered in the parks and economic zones",
                                                "Vốn đăng ký trong các KCN và khu kinh tế"),
    "zone_investment_density_usd_m_per_ha": CityField("m USD/ha", "Investment per hectare of park land",
                                                      "Suất đầu tư trên một hecta đất KCN"),
    "zone_fdi_inflow_usd_bn": CityField("bn USD", "FDI attracted into the parks and zones in the year",
                                        "FDI thu hút vào KCN và khu kinh tế trong năm"),
    "zone_fdi_projects": CityField("projects", "FDI projects in the parks and zones",
                                   "Dự án FDI trong KCN và khu kinh tế"),
    "zone_fdi_capital_usd_bn": CityField("bn USD", "FDI capital in the parks and zones",
                                         "Vốn FDI trong KCN và khu kinh tế"),
    "zone_workers": CityField("workers", "Workers in the parks and zones", "Lao động trong KCN và khu kinh tế"),
    "fdi_projects": CityField("projects", "FDI projects in the city", "Dự án FDI của thành phố"),
    "fdi_projects_valid": CityField("projects", "Valid FDI projects in the city", "Dự án FDI còn hiệu lực"),
    "fdi_capital_usd_bn": CityField("bn USD", "FDI capital in the city", "Vốn FDI của thành phố"),
    "port_throughput_mt": CityField("Mt", "Cargo through the seaports in the year",
                                    "Hàng hóa qua cảng biển trong năm"),
    "market_lease_usd_m2": CityField("USD/m²", "Average land lease price (market report)",
                                     "Giá thuê đất bình quân (báo cáo thị trường)"),
    "market_lease_usd_m2_low": CityField("USD/m²", "Land lease price, low end (market report)",
                                         "Giá thuê đất, mức thấp (báo cáo thị trường)"),
    "market_lease_usd_m2_high": CityField("USD/m²", "Land lease price, high end (market report)",
                                          "Giá thuê đất, mức cao (báo cáo thị trường)"),
    "hd_market_lease_usd_m2": CityField("USD/m²", "Average land lease price, former Hải Dương (market report)",
                                        "Giá thuê đất bình quân, Hải Dương cũ (báo cáo thị trường)"),
    "hd_market_lease_usd_m2_low": CityField("USD/m²", "Land lease price, low end, former Hải Dương (market report)",
                                            "Giá thuê đất, mức thấp, Hải Dương cũ (báo cáo thị trường)"),
    "hd_market_lease_usd_m2_high": CityField("USD/m²", "Land lease price, high end, former Hải Dương (market report)",
                                             "Giá thuê đất, mức cao, Hải Dương cũ (báo cáo thị trường)"),
    "north_market_lease_usd_m2": CityField("USD/m²", "Average land lease price, northern Vietnam (market report)",
                                           "Giá thuê đất bình quân miền Bắc (báo cáo thị trường)"),
    "market_occupancy_pct": CityField("%", "Park occupancy (market report)", "Tỷ lệ lấp đầy (báo cáo thị trường)",
                                      100),
    "hd_market_occupancy_pct": CityField("%", "Park occupancy, former Hải Dương (market report)",
                                         "Tỷ lệ lấp đầy, Hải Dương cũ (báo cáo thị trường)", 100),
    "north_market_occupancy_pct": CityField("%", "Park occupancy, northern Vietnam (market report)",
                                            "Tỷ lệ lấp đầy miền Bắc (báo cáo thị trường)", 100),
    "market_leasable_ha": CityField("ha", "Leasable park land (market report)",
                                    "Đất KCN cho thuê được (báo cáo thị trường)"),
}  # fmt: skip
# The city figures the coverage page measures the data set against: parks and their area.
CITY_REFERENCE_FIELDS = ("ip_count", "ip_area_ha", "ccn_count", "ccn_area_ha")

# Whose contact a row of contacts.csv gives (``role``).
CONTACT_ROLES = {
    "developer": "the feature's infrastructure developer or operator",
    "management_board": "the state authority that manages the feature (an industrial-zone management board)",
}

VERIFIED = ("yes", "no")  # figures.csv ``verified``: no = one of the listed sources states it, not known which

# The register's kinds of source (sources.csv ``kind``).
SOURCE_KINDS = {
    "decision": "a legal decision or resolution",
    "government": "a government portal or agency page",
    "news": "a news article",
    "developer": "the developer's or operator's own page",
    "market_report": "a property-market report (CBRE, Savills, JLL, ...) or its press coverage",
    "gis": "a GIS layer",
    "thesis": "a thesis or study",
    "wiki": "a wiki article",
    "listing": "a property or industrial-park listing site",
    "article": "an article kept as a file (the seed articles)",
    "dataset": "a data set or software package",
    "osm": "an OpenStreetMap extract (hpmap import osm): ODbL, credited wherever its outlines are drawn",
    "web": "a web page, not classified yet",
    "synthetic": "made up for a scale test (hpmap synth); never in real data",
}

ECONOMIC_ZONE_KIND = "economic_zone"

# The places investors measure distance to. A feature id, or a fixed point for the city centre.
KEY_INFRASTRUCTURE: dict[str, str | tuple[float, float]] = {
    "lach_huyen": "port-lach-huyen",
    "nam_do_son": "port-nam-do-son",
    "cat_bi": "airport-cat-bi",
    "tien_lang_airport": "airport-tien-lang",
    # Hải Phòng Opera House square, our chosen point for "the city centre" (lon, lat).
    "city_centre": (106.6832, 20.8587),
}

# Properties an OGC API client may filter a collection's items on (``?status=planned``), per layer.
# Equality only; a list property (sectors) matches when it contains the value.
_QUERYABLE_EVERYWHERE = (
    "id", "name_vi", "name_en", "kind", "status", "former_province", "geometry_quality",
    "zone_id", "zone_spatial", "year_established",
)  # fmt: skip
QUERYABLES: dict[str, tuple[str, ...]] = {
    "economic-zones": _QUERYABLE_EVERYWHERE + ("parent_id",),
    "industrial-parks": _QUERYABLE_EVERYWHERE + ("sectors",),
    "industrial-clusters": _QUERYABLE_EVERYWHERE + ("sectors",),
    "ports": _QUERYABLE_EVERYWHERE + ("parent_id",),
    "airports": _QUERYABLE_EVERYWHERE,
    "factories": _QUERYABLE_EVERYWHERE + ("parent_id", "sectors"),
}
