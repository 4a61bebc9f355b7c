"""The login page's `next` never sends anyone off this site, however it is spelled."""

import pytest
from django.urls import reverse

from .helpers import post_login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "target",
    [
        "/\\evil.example/",
        "\\\\evil.example/",
        "\\/evil.example/",
        " //evil.example/",
        "https:evil.example",
        "http:/\\evil.example",
        "//evil.example@testserver/",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_oddly_spelled_off_site_next_is_ignored(client, admin_a, target):
    response = post_login(client, "admin_a", next_url=target)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_signed_in_visitor_of_the_login_page_is_not_sent_off_site(client, admin_a):
    client.force_login(admin_a)
    response = client.get(reverse("web:login"), {"next": "//evil.example/"})
    assert response["Location"] == reverse("web:home")
