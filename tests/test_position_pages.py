"""Position uncertainty on the pages: distances "± x km", the feature page's Position section, escaping."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from tests.builders import HOSTILE_NAME, HOSTILE_TEXT, write_dataset
from tests.test_quality import evidence_with_findings, with_evidence
from webmap import create_app
from webmap.templating import format_distance


def client_with(data_dir, positions: pd.DataFrame):
    """The app on ``data_dir`` with ``positions`` as its position evidence."""
    app = create_app({"DATA_DIR": str(data_dir), "OFFLINE": True, "TESTING": True})
    app.extensions["hpmap.dataset"] = with_evidence(app.extensions["hpmap.dataset"], positions)
    return app.test_client()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return write_dataset(tmp_path_factory.mktemp("positions") / "data")


@pytest.fixture(scope="module")
def client(data_dir):
    return client_with(data_dir, evidence_with_findings(data_dir))


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def section(html: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}">(.*?)</section>', html, re.S).group(1)


@pytest.mark.parametrize(
    ("km", "spread", "lang", "text"),
    [
        (36.27, 2.0, "en", "36 km ± 2 km"),  # ± 2,000 m
        (12.34, 0.05, "en", "12.3 km ± 0.1 km"),  # ± 50 m: rounded up, never "± 0"
        (12.34, 0.3, "en", "12.3 km ± 0.3 km"),  # 0.3 × 10 is 3.0000000000000004 in floating point
        (4.26, 0.55, "vi", "4,3 km ± 0,6 km"),
        (9.5, 6.0, "en", "10 km ± 6 km"),
        (0.0, 0.0, "en", "0 km"),  # a port's distance to itself
        (15.34, math.nan, "en", "15.34 km (position uncertainty not stated)"),
        (15.34, None, "vi", "15,34 km (chưa rõ sai số vị trí)"),
        (math.nan, 1.0, "en", None),
    ],
)
def test_format_distance(km, spread, lang, text):
    assert format_distance(km, spread, lang) == text


def test_feature_page_gives_each_distance_with_its_uncertainty(client):
    distances = page(client, "/features/kcn-trang-due?lang=en")
    # traced (± 50 m) to the traced Lạch Huyện port (± 50 m), to the city centre (a chosen point), to the
    # indicative Tiên Lãng airport (± 3 km)
    assert "<td>29.9 km ± 0.1 km</td>" in distances
    assert "<td>15.3 km ± 0.1 km</td>" in distances
    assert "<td>9 km ± 3 km</td>" in distances
    assert "the sum of both places&#39; position uncertainties" in distances


def test_comparison_gives_each_distance_with_its_uncertainty(client):
    html = page(client, "/compare?ids=kcn-trang-due,kcn-straddle&lang=vi")
    assert "29,9 km ± 0,1 km" in html  # Tràng Duệ to Lạch Huyện
    assert re.search(r"\d+ km ± 3 km", html)  # the indicative park (± 3 km) to a traced port


def test_position_section_lists_the_evidence_best_first(client):
    position = section(page(client, "/features/kcn-overlap?lang=en"), "hp-position")
    assert "approximate, around a known point" in position and "± 500 m" in position
    records = re.findall(r'data-record-id="([^"]+)"', position)
    # the tenant's plot is more precise (10 m) than the pin; what a source says of the land comes last
    assert records == ["kcn-overlap-lot-a1", "kcn-overlap-pin", "kcn-overlap-shared"]
    best = re.search(r'data-record-id="kcn-overlap-lot-a1">(.*?)</tr>', position, re.S).group(1)
    assert "a tenant&#39;s plot" in best and "(best evidence)" in best and "10 m" in best and "lot A1" in best
    assert '<a href="https://example.org/parks" rel="nofollow noopener">A web page</a>' in best
    assert re.search(r"<td[^>]*>2024</td><td[^>]*>high</td>", best)
    assert "Outline to its best evidence" in position and "0 m (a tenant" in position


def test_position_section_says_how_far_the_outline_is_from_its_evidence(client):
    position = section(page(client, "/features/kcn-trang-due?lang=vi"), "hp-position")
    assert "Sai số vị trí đã nêu" in position and "± 50 m" in position
    assert re.search(r"52\d m \(ghim, cổng hoặc văn phòng trên bản đồ\)", position)  # moved 0.005° east


def test_a_feature_without_evidence_says_so(client):
    position = section(page(client, "/features/kcn-outside?lang=en"), "hp-position")
    assert "No position evidence is recorded for this feature yet." in position
    assert "data-record-id" not in position


def test_a_data_set_without_positions_still_shows_the_section(data_dir):
    position = section(page(client_with(data_dir, pd.DataFrame()), "/features/kcn-trang-due?lang=en"), "hp-position")
    assert "± 50 m" in position and "No position evidence" in position


def test_position_records_are_data_never_markup(data_dir):
    records = evidence_with_findings(data_dir)
    records.loc[records["feature_id"] == "kcn-trang-due", ["note", "as_of"]] = [HOSTILE_NAME, HOSTILE_TEXT]
    records.loc[records["feature_id"] == "kcn-trang-due", "marks"] = HOSTILE_TEXT
    position = section(page(client_with(data_dir, records), "/features/kcn-trang-due?lang=en"), "hp-position")
    assert "<script>" not in position and "<img src=x" not in position and "<svg onload" not in position
    assert "&lt;img src=x onerror=" in position and "&lt;svg onload=" in position


def test_every_kind_of_position_record_has_words_in_every_language():
    from geo.model.catalog import POSITION_MARKS
    from webmap.i18n import LANGUAGES, MARK_LABELS, gettext

    assert set(MARK_LABELS) == set(POSITION_MARKS)
    for lang in set(LANGUAGES) - {"en"}:
        assert all(gettext(words, lang) not in ("", words) for words in MARK_LABELS.values()), lang
