"""The built-in roles of DOMAIN.md and their default permission sets (a migration loads them; after
that they are data a system admin can change). Later apps add their codes with their own migrations
through `add_permissions`."""

BUILTIN_ROLES = [
    # code, name, scope, needs_department, description, permissions
    (
        "system_admin",
        "系统管理员",
        "unit",
        False,
        "维护组织机构、用户、角色、校历；查询审计日志。",
        [
            "org.view",
            "org.manage",
            "users.view",
            "users.manage",
            "roles.manage",
            "audit.view",
            "calendar.manage",
            "home.todo",
        ],
    ),
    (
        "leader",
        "局领导",
        "unit",
        False,
        "查看全部指标、逾期事项和排名，审定目标与考核。",
        ["org.view", "users.view", "audit.view", "home.todo"],
    ),
    (
        "department_staff",
        "科室人员",
        "unit",
        True,
        "负责一条线的工作：下发任务、检查、报表，审核学校上报。",
        ["org.view", "users.view", "home.todo"],
    ),
    (
        "supervisor",
        "责任督学",
        "group",
        False,
        "在督学责任区内挂牌督导：走访学校、记录问题、下发整改通知并复核。",
        ["org.view", "users.view", "home.todo"],
    ),
    (
        "school_admin",
        "学校管理员",
        "unit",
        False,
        "维护本校台账与用户，答复任务与报表。",
        ["org.view", "users.view", "users.manage", "sensitive.reveal", "home.todo"],
    ),
    (
        "safety_officer",
        "学校安全员",
        "unit",
        False,
        "维护本校安全台账：隐患、演练、值班、校车、食堂。",
        ["org.view", "home.todo"],
    ),
    (
        "teacher",
        "教师",
        "unit",
        False,
        "查看本人培训学时、师德考核等。",
        ["org.view", "home.todo"],
    ),
]


def load_builtin_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for order, (code, name, scope, needs_department, description, perms) in enumerate(BUILTIN_ROLES):
        Role.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "scope": scope,
                "needs_department": needs_department,
                "description": description,
                "permissions": perms,
                "sort_order": (order + 1) * 10,
            },
        )


def add_permissions(grants):
    """A migration operation's function that adds codes to roles: {"school_admin": ["safety.view"]}."""

    def forwards(apps, schema_editor):
        Role = apps.get_model("accounts", "Role")
        for code, perms in grants.items():
            for role in Role.objects.filter(code=code):
                role.permissions = sorted(set(role.permissions) | set(perms))
                role.save(update_fields=["permissions"])

    return forwards
