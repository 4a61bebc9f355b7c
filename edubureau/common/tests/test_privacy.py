import pytest

from edubureau.audit.models import SensitiveAccess
from edubureau.common import privacy
from edubureau.common.errors import NotFoundError, ServiceError
from edubureau.common.factories import make_user


def test_id_number_is_masked_but_keeps_area_and_last_four():
    assert privacy.mask_id_number("11010519491231002X") == "110105********002X"


def test_phone_is_masked_in_the_middle():
    assert privacy.mask_phone("13812345678") == "138****5678"


def test_name_keeps_only_the_surname():
    assert privacy.mask_name("张小明") == "张**"


def test_special_group_mark_is_hidden_entirely():
    assert privacy.mask_flag("留守儿童") == "***"
    assert privacy.mask_flag("") == ""


def test_school_admin_reveals_a_value_of_own_school_and_the_look_is_logged(county, admin_a):
    pupil_guardian = make_user("teacher", unit=county.school_a, phone="13812345678")
    value = privacy.reveal(actor=admin_a, obj=pupil_guardian, field="phone", reason="联系家长核实情况")
    assert value == "13812345678"
    entry = SensitiveAccess.objects.get()
    assert (entry.actor, entry.field, entry.reason, entry.unit) == (
        admin_a,
        "phone",
        "联系家长核实情况",
        county.school_a,
    )


def test_reveal_needs_a_reason(county, admin_a):
    person = make_user("teacher", unit=county.school_a, phone="13812345678")
    with pytest.raises(ServiceError, match="事由"):
        privacy.reveal(actor=admin_a, obj=person, field="phone", reason=" ")
    assert not SensitiveAccess.objects.exists()


def test_reveal_outside_scope_answers_like_a_missing_record(county, admin_b):
    person = make_user("teacher", unit=county.school_a, phone="13812345678")
    with pytest.raises(NotFoundError):
        privacy.reveal(actor=admin_b, obj=person, field="phone", reason="核对")
    assert not SensitiveAccess.objects.exists()


def test_role_without_the_reveal_permission_cannot_reveal(county, teacher_a):
    person = make_user("teacher", unit=county.school_a, phone="13812345678")
    with pytest.raises(NotFoundError):
        privacy.reveal(actor=teacher_a, obj=person, field="phone", reason="核对")
