"""The address the audit log records and the login lock-out counts."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from edubureau.audit.models import LoginEvent
from edubureau.common.middleware import client_ip


def ip_of(settings, trust, forwarded=None, remote="10.0.0.1"):
    settings.EDUBUREAU_TRUST_X_FORWARDED_FOR = trust
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


def test_forwarded_header_is_ignored_unless_trusted(settings):
    assert ip_of(settings, False, "1.2.3.4") == "10.0.0.1"


def test_behind_the_proxy_the_address_it_appended_is_taken_not_the_clients_claim(settings):
    assert ip_of(settings, True, "6.6.6.6, 203.0.113.7") == "203.0.113.7"
    assert ip_of(settings, True, "203.0.113.7") == "203.0.113.7"
    assert ip_of(settings, True, "2001:db8::1") == "2001:db8::1"


@pytest.mark.parametrize("forwarded", ["not-an-address", "", "1.2.3.4, garbage", "300.1.1.1"])
def test_text_that_is_not_an_address_falls_back_to_the_connection(settings, forwarded):
    assert ip_of(settings, True, forwarded) == "10.0.0.1"


def test_made_up_forwarded_addresses_do_not_escape_the_address_lock_out(settings, county, admin_a):
    settings.EDUBUREAU_TRUST_X_FORWARDED_FOR = True
    for n in range(5):
        Client(HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 192.0.2.9").post(
            reverse("web:login"), {"username": f"guess{n}", "password": "Wrong#pass123"}
        )
    assert set(LoginEvent.objects.values_list("ip", flat=True)) == {"192.0.2.9"}
    client = Client(HTTP_X_FORWARDED_FOR="198.51.100.99, 192.0.2.9")
    response = client.post(reverse("web:login"), {"username": "guess9", "password": "Wrong#pass123"})
    assert "已锁定" in response.content.decode()


def test_a_plain_request_id_from_the_proxy_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123.DEF_9")
    assert response["X-Request-ID"] == "abc-123.DEF_9"


def test_a_request_id_with_odd_characters_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert response["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(response["X-Request-ID"]) == 16
