"""The API's feature answers kept per data version and normalised query (webmap.server.answer_cache), on both stores.

The reload itself (a new version served by a running server, over real HTTP) is in tests/test_serve.py.
"""

from __future__ import annotations

import pytest

from tests.conftest import DATA_DIR
from tests.postgis import STORES, app_config
from webmap import create_app
from webmap.server.answer_cache import API_RESPONSES, AnswerCache, api_answers

ITEMS = "/api/collections/industrial-parks/items"
# One query, spelled five ways: parameter order, 1 or 1.0, a 3D box, leading zeros, filter values' order.
SPELLINGS = [
    "?bbox=106.0,20.5,107.0,21.2&limit=7&status=operating&status=planned",
    "?status=planned&status=operating&limit=7&bbox=106,20.5,107,21.2",
    "?limit=007&bbox=106.000,20.50,0,107.0,21.20,100&status=operating&status=planned",
    "?status=planned&bbox=1.06e2,20.5,107,21.2&status=operating&status=planned&limit=7",
    "?bbox=106.0,20.5,107.0,21.2&limit=7&status=operating&status=planned&f=geojson&lang=vi",
]


@pytest.fixture(scope="module", params=STORES)
def store(request):
    return request.param


def make_app(request, store, **config):
    app = create_app({**app_config(request, store, DATA_DIR), **config})
    request.addfinalizer(app.extensions["hpmap.store"].close)
    return app


def kept(app) -> AnswerCache:
    with app.app_context():
        return api_answers()


def test_spellings_of_one_items_query_share_one_kept_answer(request, store):
    app = make_app(request, store)
    client = app.test_client()
    answers = [client.get(ITEMS + spelling) for spelling in SPELLINGS]

    assert all(answer.status_code == 200 for answer in answers)
    features = [answer.get_json()["features"] for answer in answers]
    assert features[0] and all(page == features[0] for page in features)
    assert len(kept(app)) == 1
    # Each answer's own links keep the client's spelling: the head is not shared, only the features.
    assert answers[1].get_json()["links"][0]["href"].endswith(SPELLINGS[1][1:])


def test_what_changes_the_page_makes_another_answer(request, store):
    app = make_app(request, store)
    client = app.test_client()
    for query in ["?limit=7", "?limit=8", "?limit=7&offset=1", "?limit=7&zoom=9", "?limit=7&properties=name_vi",
                  "?limit=7&status=operating", "?limit=7&bbox=106,20.5,107,21.2"]:  # fmt: skip
        assert client.get(ITEMS + query).status_code == 200
    assert len(kept(app)) == 7


def test_kept_answers_stay_within_their_byte_budget(request, store):
    client = make_app(request, "files").test_client()
    one_page = len(client.get(ITEMS + "?limit=20").data)
    budget = 8 * one_page
    app = make_app(request, store, API_CACHE_BYTES=budget)
    client = app.test_client()
    for offset in range(30):
        assert client.get(f"{ITEMS}?limit=20&offset={offset}").status_code == 200
    answers = kept(app)
    assert 0 < answers.bytes_held <= budget
    assert 2 <= len(answers) < 30  # the least recently used were dropped


def test_a_budget_of_zero_keeps_nothing_and_still_answers(request, store):
    app = make_app(request, store, API_CACHE_BYTES=0)
    client = app.test_client()
    assert client.get(ITEMS + SPELLINGS[0]).get_json()["features"]
    assert client.get(ITEMS + "/kcn-trang-due").status_code == 200
    assert len(kept(app)) == 0
    assert len(app.extensions[API_RESPONSES].answers) == 0


def test_features_by_id_are_kept_only_where_the_store_pays_a_round_trip(request, store):
    app = make_app(request, store)
    client = app.test_client()
    assert client.get(ITEMS + "/kcn-trang-due").get_json()["id"] == "kcn-trang-due"
    assert client.get(ITEMS + "/no-such-park").status_code == 404  # a miss is not kept
    assert len(kept(app)) == (1 if store == "postgis" else 0)


def test_a_repeat_within_the_second_gets_the_very_answer_and_conditional_requests_still_revalidate(request, store):
    app = make_app(request, store)
    client = app.test_client()
    url = ITEMS + SPELLINGS[0]
    first, second = client.get(url), client.get(url)
    assert first.data == second.data and first.headers == second.headers
    assert first.headers["ETag"] and first.headers["Content-Security-Policy"]
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"  # a variant of its own, not the plain one
    assert client.get(url).headers.get("Content-Encoding") is None
    assert client.get(ITEMS + "/no-such-park").status_code == 404
    assert client.get(ITEMS + "?limit=0").status_code == 400
    assert len(app.extensions[API_RESPONSES].answers) in (2, 4)  # plain and gzip; twice if a second turned


def test_the_whole_answers_of_other_hosts_and_urls_are_kept_apart(request, store):
    app = make_app(request, store)
    client = app.test_client()
    here = client.get(ITEMS + SPELLINGS[0]).get_json()
    there = client.get(ITEMS + SPELLINGS[0], base_url="http://maps.example.org").get_json()
    other = client.get(ITEMS + SPELLINGS[1]).get_json()
    assert here["links"][0]["href"].startswith("http://localhost/")
    assert there["links"][0]["href"].startswith("http://maps.example.org/")
    assert other["links"][0]["href"].endswith(SPELLINGS[1][1:])
    assert here["features"] == there["features"] == other["features"]
