"""The permission codes of the inspections app (roles get them through migration 0002)."""

VIEW = "inspections.view"
MANAGE = "inspections.manage"
VISIT = "inspections.visit"
SELF_CHECK = "inspections.selfcheck"

PERMISSIONS = (
    (VIEW, "查看安全检查活动与检查记录"),
    (MANAGE, "组织安全检查：活动、检查表、督查组"),
    (VISIT, "记录督查检查"),
    (SELF_CHECK, "填报学校自查"),
)
