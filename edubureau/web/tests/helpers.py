from django.urls import reverse

from edubureau.common.factories import TEST_PASSWORD


def post_login(client, username, password=TEST_PASSWORD, next_url=None, **extra):
    data = {"username": username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post(reverse("web:login"), data, **extra)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")
