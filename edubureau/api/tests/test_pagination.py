import pytest


@pytest.fixture
def thirty_units(many_schools):
    return many_schools(23)  # with the county's 7 units: 30


def test_lists_default_to_fifty_and_report_count_limit_offset(client, county, leader, thirty_units):
    client.force_login(leader)
    body = client.get("/api/v1/org/units").json()
    assert set(body) == {"count", "items", "limit", "offset"}
    assert (body["count"], len(body["items"]), body["limit"], body["offset"]) == (30, 30, 50, 0)


def test_pages_do_not_overlap_and_cover_the_list(client, county, leader, thirty_units):
    client.force_login(leader)
    seen = []
    for offset in range(0, 30, 7):
        page = client.get(f"/api/v1/org/units?limit=7&offset={offset}").json()
        assert page["count"] == 30
        seen += [item["id"] for item in page["items"]]
    assert len(seen) == len(set(seen)) == 30


def test_offset_past_the_end_gives_an_empty_page(client, county, leader):
    client.force_login(leader)
    body = client.get("/api/v1/org/units?offset=1000").json()
    assert body["items"] == []
    assert body["count"] == 7


def test_limit_up_to_five_hundred_is_accepted(client, county, leader):
    client.force_login(leader)
    assert client.get("/api/v1/org/units?limit=500").json()["limit"] == 500


@pytest.mark.parametrize(
    ("query", "details"),
    [
        ("limit=501", {"limit": ["不能大于500。"]}),
        ("limit=0", {"limit": ["不能小于1。"]}),
        ("offset=-1", {"offset": ["不能小于0。"]}),
        ("limit=abc", {"limit": ["应为整数。"]}),
        ("offset=" + "9" * 25, {"offset": ["不能大于100000000。"]}),
    ],
)
def test_out_of_range_paging_is_a_named_validation_error(client, county, leader, query, details):
    client.force_login(leader)
    response = client.get(f"/api/v1/users?{query}")
    assert response.status_code == 422
    assert response.json()["details"] == details
