"""The permission codes that roles grant. Roles are data (Role.permissions); the codes are code.

Each app adds its own codes with `register(...)` in its AppConfig.ready or here. A permission is
checked against an org unit: the user holds it on the units below the memberships whose role grants it.
"""

PERMISSIONS: dict[str, str] = {}


def register(code, label):
    PERMISSIONS[code] = label


for _code, _label in [
    ("org.view", "查看单位与分组"),
    ("org.manage", "维护单位与分组"),
    ("users.view", "查看用户"),
    ("users.manage", "管理本范围用户"),
    ("roles.manage", "维护角色定义"),
    ("audit.view", "查询审计日志"),
    ("sensitive.reveal", "查看敏感信息原文"),
    ("calendar.manage", "维护校历与节假日"),
    ("home.todo", "查看我的待办"),
]:
    register(_code, _label)


def label(code):
    return PERMISSIONS.get(code, code)
