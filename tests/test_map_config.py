"""The map page's config: the script's words and the facts it is given come from their one home."""

from __future__ import annotations

import json
import re

import pytest

from geo.analysis.sites import CRITERIA
from geo.model.catalog import KEY_INFRASTRUCTURE, STATUSES
from tests.conftest import DATA_DIR, REPO
from webmap import create_app
from webmap.i18n import MESSAGES, t
from webmap.map_config import SCRIPT_MESSAGES

SCRIPTS = REPO / "webmap" / "static" / "js"


@pytest.fixture(scope="module")
def client():
    return create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": True, "TESTING": True}).test_client()


def map_config(client, lang: str) -> dict:
    page = client.get(f"/?lang={lang}").get_data(as_text=True)
    return json.loads(re.search(r'<script type="application/json" id="hpmap-config">(.*?)</script>', page, re.S)[1])


def test_the_scripts_get_every_word_they_say_and_no_other():
    said = {key for path in SCRIPTS.rglob("*.js") for key in re.findall(r"\bmsg\.([a-z_0-9]+)", path.read_text())}
    assert said == set(SCRIPT_MESSAGES)
    assert set(SCRIPT_MESSAGES) <= set(MESSAGES)


def test_the_config_gives_the_facts_from_geo_and_the_words_in_the_pages_language(client):
    config = map_config(client, "vi")
    assert config["statuses"] == list(STATUSES)
    assert [place["key"] for place in config["places"]] == list(KEY_INFRASTRUCTURE)
    assert [(c["key"], c["id"]) for c in config["criteria"]] == [(c.key, c.parameter) for c in CRITERIA]
    assert {c["id"] for c in config["criteria"]} - {"free_land"} == set(KEY_INFRASTRUCTURE)  # one spelling
    assert config["places"][0]["label"] == "Cảng Lạch Huyện" and config["locale"] == "vi-VN"
    assert config["labels"]["messages"]["reload"] == t("reload", "vi") == "Tải lại"
    assert map_config(client, "en")["labels"]["messages"]["reload"] == "Reload"
