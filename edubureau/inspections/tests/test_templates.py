import pytest

from edubureau.audit.models import AuditEvent
from edubureau.common.errors import NotFoundError, ServiceError
from edubureau.inspections import services
from edubureau.inspections.choices import AnswerType
from edubureau.inspections.models import ChecklistTemplate


def test_department_officer_creates_a_checklist_owned_by_the_county(county, dept_officer, template):
    assert template.owner == county.bureau
    assert template.revision == 1
    assert [i.category for i in template.items.order_by("order")][:2] == ["消防安全", "消防安全"]
    assert AuditEvent.objects.filter(
        action="inspections.template.create", object_id=str(template.pk)
    ).exists()


def test_school_admin_cannot_create_a_checklist(admin_a):
    with pytest.raises(NotFoundError):
        services.template_create(actor=admin_a, name="学校自拟检查表")


def test_item_that_makes_hazards_needs_a_hazard_category(dept_officer, template):
    with pytest.raises(ServiceError, match="须选择隐患类别"):
        services.template_item_add(
            actor=dept_officer,
            template=template,
            category="燃气",
            text="燃气报警器有效",
            creates_hazard_on_fail=True,
        )


def test_unknown_hazard_category_is_refused(dept_officer, template):
    with pytest.raises(ServiceError, match="隐患类别不存在"):
        services.template_item_add(
            actor=dept_officer,
            template=template,
            category="燃气",
            text="燃气报警器有效",
            creates_hazard_on_fail=True,
            hazard_category="no-such-code",
        )


def test_number_items_never_make_hazards(dept_officer, template):
    item = services.template_item_add(
        actor=dept_officer,
        template=template,
        category="基本情况",
        text="监控探头数",
        answer_type=AnswerType.NUMBER,
        creates_hazard_on_fail=True,
        hazard_category="security",
    )
    assert item.creates_hazard_on_fail is False


def test_unused_checklist_is_edited_in_place(dept_officer, template):
    item = services.template_item_add(
        actor=dept_officer,
        template=template,
        category="燃气安全",
        text="燃气管道无老化",
        creates_hazard_on_fail=True,
        hazard_category="gas",
    )
    assert item.template_id == template.pk
    assert item.order == 60


def test_editing_a_used_checklist_makes_a_new_revision_and_keeps_the_old(
    dept_officer, template, new_campaign
):
    campaign = new_campaign()
    old_item = template.items.order_by("order").first()
    changed = services.template_item_update(
        actor=dept_officer, item=old_item, text="灭火器数量充足、压力正常"
    )
    new_template = changed.template
    assert new_template.pk != template.pk
    assert new_template.revision == 2
    assert new_template.previous_id == template.pk
    template.refresh_from_db()
    assert template.is_active is False
    assert template.items.order_by("order").first().text == "灭火器配置齐全、在有效期内"
    campaign.refresh_from_db()
    assert campaign.template_id == template.pk
    assert new_template.items.count() == template.items.count()


def test_a_superseded_revision_cannot_be_edited_again(dept_officer, template, new_campaign):
    new_campaign()
    item = template.items.first()
    services.template_item_remove(actor=dept_officer, item=item)
    with pytest.raises(ServiceError, match="已有更新的版本"):
        services.template_update(actor=dept_officer, template=template, name="改名")


def test_stale_template_edit_is_refused(dept_officer, template):
    with pytest.raises(ServiceError, match="已被他人修改"):
        services.template_update(
            actor=dept_officer, template=template, version=template.version + 1, name="新名"
        )


def test_removing_an_item_of_an_unused_checklist_deletes_it(dept_officer, template):
    item = template.items.first()
    result = services.template_item_remove(actor=dept_officer, item=item)
    assert result.pk == template.pk
    assert not template.items.filter(pk=item.pk).exists()
    assert ChecklistTemplate.objects.count() == 1
