"""GET /api/search-index: what the map's search box searches (the matching itself: tests/test_browser.py)."""

from __future__ import annotations

import pytest

from tests.conftest import DATA_DIR
from webmap import create_app


@pytest.fixture(scope="module")
def client():
    return create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": True, "TESTING": True}).test_client()


def test_every_feature_comes_with_its_tenants_communes_and_former_province_in_the_readers_language(client, shipped):
    body = client.get("/api/search-index?lang=en").get_json()
    assert len(body["features"]) == sum(len(layer.gdf) for layer in shipped.layers.values())
    park = shipped.layer("industrial-parks").gdf.loc["kcn-trang-due"]
    entry = next(f for f in body["features"] if f["id"] == "kcn-trang-due")
    assert entry["layer"] == "industrial-parks" and entry["name_vi"] == park["name_vi"]
    assert [text for kind, text in entry["matches"] if kind == "tenant"] == list(park["tenants"])
    communes = [text for kind, text in entry["matches"] if kind == "commune"]
    assert communes and all(part in park["commune_2025"] for part in communes)
    assert ["province", "Hải Phòng"] in entry["matches"]
    vi = client.get("/api/search-index?lang=vi").get_json()
    hai_duong = next(
        f for f in vi["features"] if any(k == "province" and t.startswith("Hải Dương") for k, t in f["matches"])
    )
    assert shipped.find_feature(hai_duong["id"])[1]["former_province"] == "hai-duong"
    places = {p["name_vi"]: p for p in body["places"]}
    assert "Phường Hải Dương" in places and 20 < places["Phường Hải Dương"]["lat"] < 22


def test_unknown_parameters_and_formats_are_refused(client):
    assert client.get("/api/search-index?q=x").status_code == 400
    assert client.get("/api/search-index?f=csv").status_code == 400
    assert client.get("/api/search-index?lang=xx").status_code == 400
