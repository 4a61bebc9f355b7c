from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "edubureau.inspections"
    label = "inspections"
    verbose_name = "安全检查"

    def ready(self):
        from edubureau.accounts.permissions import register
        from edubureau.web.navigation import NavItem
        from edubureau.web.navigation import register as register_nav
        from edubureau.web.todos import register_todo_provider

        from . import todos
        from .perms import MANAGE, PERMISSIONS, SELF_CHECK, VIEW

        for code, label in PERMISSIONS:
            register(code, label)
        register_nav(
            NavItem("平安校园", "安全检查", "inspections:campaign_list", "bi-clipboard-check", VIEW, 210),
            NavItem("平安校园", "本校自查", "inspections:selfcheck_mine", "bi-ui-checks", SELF_CHECK, 212),
            NavItem("平安校园", "检查记录", "inspections:visit_list", "bi-person-walking", VIEW, 214),
            NavItem("平安校园", "检查表模板", "inspections:template_list", "bi-card-checklist", MANAGE, 216),
        )
        register_todo_provider(todos.self_checks_to_submit)
        register_todo_provider(todos.schools_to_visit)
