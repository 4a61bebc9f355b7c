import pytest
from django.test import Client
from django.urls import reverse

from edubureau.web import views

NOT_FOUND = "页面不存在，或您无权访问"


@pytest.mark.django_db
def test_unknown_address_gets_the_chinese_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert NOT_FOUND in response.content.decode()


@pytest.mark.django_db
def test_signed_in_user_gets_the_same_404_page(client, admin_a):
    client.force_login(admin_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert NOT_FOUND in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls("edubureau.web.tests.urls")
def test_http404_raised_in_a_view_renders_the_404_page_without_its_message(client, admin_a):
    client.force_login(admin_a)
    response = client.get("/fail/404/")
    assert response.status_code == 404
    html = response.content.decode()
    assert NOT_FOUND in html
    assert "4711" not in html
    assert "东城镇初级中学" not in html


@pytest.mark.django_db
@pytest.mark.urls("edubureau.web.tests.urls")
def test_permission_denied_renders_the_chinese_403_page(client, admin_a):
    client.force_login(admin_a)
    response = client.get("/fail/403/")
    assert response.status_code == 403
    assert "您没有执行此操作的权限" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls("edubureau.web.tests.urls")
def test_unhandled_error_renders_the_500_page(admin_a):
    client = Client(raise_request_exception=False)
    client.force_login(admin_a)
    response = client.get("/fail/500/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统内部错误" in html
    assert "something broke" not in html
    assert response["X-Request-ID"] in html


def test_500_page_renders_without_database_or_request_context(rf):
    # No `db` fixture: any database access here fails the test.
    request = rf.get("/")
    request.request_id = "abc123"
    response = views.error_500(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统内部错误" in html
    assert "错误编号：abc123" in html
    assert "/static/" not in html


@pytest.mark.django_db
def test_csrf_failure_view_explains_in_chinese(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.post("/login/")
    request.user = AnonymousUser()
    response = views.csrf_failure(request, reason="CSRF token missing")
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


@pytest.mark.django_db
def test_error_pages_link_home(client):
    assert f'href="{reverse("web:home")}"' in client.get("/no-such-page/").content.decode()
