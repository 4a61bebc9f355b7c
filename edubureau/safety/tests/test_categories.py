import pytest
from django.urls import reverse

from edubureau.audit.models import AuditEvent
from edubureau.common.errors import NotFoundError, ServiceError
from edubureau.common.factories import make_user
from edubureau.safety import services
from edubureau.safety.models import HazardCategory


def test_system_admin_adds_a_county_category_and_it_is_audited(sysadmin):
    category = services.category_create(actor=sysadmin, code="sports_field", name="运动场地", sort_order=150)
    assert HazardCategory.objects.get(code="sports_field") == category
    assert AuditEvent.objects.filter(action="safety.category.create", object_id=str(category.pk)).exists()


def test_duplicate_category_name_is_refused_in_chinese(sysadmin):
    with pytest.raises(ServiceError, match="已存在"):
        services.category_create(actor=sysadmin, code="fire_two", name="消防")


def test_bad_category_code_is_named(sysadmin):
    with pytest.raises(ServiceError, match="编码应以小写字母开头") as exc:
        services.category_create(actor=sysadmin, code="运动", name="运动场地")
    assert exc.value.field == "code"


def test_switched_off_category_keeps_its_hazards_but_is_no_longer_offered(sysadmin):
    fire = HazardCategory.objects.get(code="fire")
    services.category_update(actor=sysadmin, category=fire, name="消防", sort_order=20, is_active=False)
    assert fire not in HazardCategory.objects.active()
    audit = AuditEvent.objects.get(action="safety.category.update")
    assert audit.before["is_active"] is True
    assert audit.after["is_active"] is False


def test_school_admin_cannot_change_categories(admin_a):
    with pytest.raises(NotFoundError):
        services.category_create(actor=admin_a, code="sports_field", name="运动场地")


def test_system_admin_of_one_town_cannot_change_county_categories(county):
    town_admin = make_user("system_admin", unit=county.town_a)
    with pytest.raises(NotFoundError):
        services.category_create(actor=town_admin, code="sports_field", name="运动场地")


def test_category_pages_add_and_edit(client, sysadmin):
    client.force_login(sysadmin)
    assert client.get(reverse("safety:category_list")).status_code == 200
    response = client.post(
        reverse("safety:category_list"), {"code": "sports_field", "name": "运动场地", "sort_order": 150}
    )
    assert response.status_code == 302
    category = HazardCategory.objects.get(code="sports_field")
    response = client.post(
        reverse("safety:category_edit", args=[category.pk]), {"name": "运动场地设施", "sort_order": 160}
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.name, category.is_active) == ("运动场地设施", False)


def test_empty_category_form_shows_chinese_errors(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(reverse("safety:category_list"), {"code": "", "name": ""})
    assert response.status_code == 422
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()


def test_teacher_gets_404_on_category_pages(client, teacher_a):
    client.force_login(teacher_a)
    assert client.get(reverse("safety:category_list")).status_code == 404
