"""Every list answers with a fixed number of queries, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from edubureau.accounts import services as account_services
from edubureau.common.factories import OrgGroupFactory

# Per session request: session + user (2), the caller's grants (1-2), the session's last-seen stamp
# (3 with its savepoint); then the list: count (1), rows (1), one prefetch.
BUDGET = 10


def queries(client, url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


LISTS = {
    "units": lambda c: "/api/v1/org/units",
    "children": lambda c: f"/api/v1/org/units/{c.town_a.pk}/children",
    "groups": lambda c: "/api/v1/org/groups",
    "group_detail": lambda c: f"/api/v1/org/groups/{c.zone_1.pk}",
    "users": lambda c: "/api/v1/users",
}


@pytest.fixture
def more_data(county, many_schools, leader):
    def make(n):
        schools = many_schools(n)
        for i, school in enumerate(schools):
            OrgGroupFactory(name=f"第{i + 2}督学责任区", units=[school])
            account_services.token_create(actor=leader, name=f"令牌{i}")

    return make


@pytest.mark.parametrize("name", LISTS)
def test_list_query_count_does_not_grow_with_rows(
    client, county, leader, more_data, name, django_assert_max_num_queries
):
    client.force_login(leader)
    url = LISTS[name](county)
    more_data(2)
    few, _ = queries(client, url)
    more_data(25)
    with django_assert_max_num_queries(BUDGET):
        many, body = queries(client, url)
    rows = body["members"] if name == "group_detail" else body["items"]
    assert len(rows) >= 20
    assert many == few


def test_token_list_query_count_is_fixed(client, leader, more_data, django_assert_max_num_queries):
    client.force_login(leader)
    more_data(25)
    with django_assert_max_num_queries(BUDGET):
        _, body = queries(client, "/api/v1/tokens")
    assert body["count"] == 25


def test_supervisor_lists_are_fixed_too(client, county, supervisor, more_data, django_assert_max_num_queries):
    client.force_login(supervisor)
    more_data(25)
    for url in ("/api/v1/org/units", "/api/v1/users", "/api/v1/org/groups"):
        with django_assert_max_num_queries(BUDGET):
            queries(client, url)


def test_token_authenticated_list_stays_within_budget(
    client, leader, more_data, token_headers, django_assert_max_num_queries
):
    headers = token_headers(leader)
    more_data(25)
    with django_assert_max_num_queries(BUDGET):
        _, body = queries(client, "/api/v1/users", **headers)
    assert body["count"] >= 25


def test_me_uses_few_queries(client, supervisor, django_assert_max_num_queries):
    client.force_login(supervisor)
    with django_assert_max_num_queries(7):
        client.get("/api/v1/me")
