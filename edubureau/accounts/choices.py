from django.db import models


class RoleScope(models.TextChoices):
    """Where a role is given: on an org unit (and its subtree) or on a group of units."""

    UNIT = "unit", "单位"
    GROUP = "group", "分组"


# Codes of the built-in roles (rows created by migration; their permission sets are editable data).
class RoleCode(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    LEADER = "leader", "局领导"
    DEPARTMENT_STAFF = "department_staff", "科室人员"
    SUPERVISOR = "supervisor", "责任督学"
    SCHOOL_ADMIN = "school_admin", "学校管理员"
    SAFETY_OFFICER = "safety_officer", "学校安全员"
    TEACHER = "teacher", "教师"
