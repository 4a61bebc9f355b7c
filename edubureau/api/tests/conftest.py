"""Helpers for calling the API as a user: by token (`as_token`) or by session (`client.force_login`)."""

import json

import pytest

from edubureau.accounts import services as account_services
from edubureau.common.factories import SchoolFactory, make_user
from edubureau.org.choices import UnitKind
from edubureau.org.models import OrgGroupMember


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The API tests create many users; argon2 is what production uses and is tested elsewhere."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def bearer(text):
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


@pytest.fixture
def token_headers():
    """token_headers(user) -> request headers carrying a fresh personal token of `user`."""

    def make(user, **kwargs):
        _, text = account_services.token_create(actor=user, name="测试令牌", **kwargs)
        return bearer(text)

    return make


@pytest.fixture
def send():
    """send(client, method, url, body=None, **headers) -> response (a JSON body except for GET)."""

    def call(client, method, url, body=None, **headers):
        if method.upper() == "GET":
            return client.get(url, **headers)
        data = json.dumps(body) if body is not None else None
        return getattr(client, method.lower())(url, data=data, content_type="application/json", **headers)

    return call


@pytest.fixture
def many_schools(county):
    """make(n) -> n more primary schools under town_a, each with a teacher, all in zone_1."""

    def make(n):
        schools = []
        for i in range(n):
            school = SchoolFactory(kind=UnitKind.PRIMARY, name=f"东城镇第{i + 1}小学", parent=county.town_a)
            make_user("teacher", unit=school, real_name=f"教师{i + 1}")
            OrgGroupMember.objects.create(group=county.zone_1, unit=school)
            schools.append(school)
        return schools

    return make
