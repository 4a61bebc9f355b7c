from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "edubureau.safety"
    label = "safety"
    verbose_name = "平安校园"

    def ready(self):
        from edubureau.accounts.permissions import register
        from edubureau.web.navigation import NavItem
        from edubureau.web.navigation import register as register_nav
        from edubureau.web.todos import register_todo_provider

        from . import todos
        from .permissions import CONFIG, PERMISSIONS, VIEW

        for code, label in PERMISSIONS:
            register(code, label)
        register_nav(
            NavItem("平安校园", "隐患台账", "safety:hazard_list", "bi-exclamation-triangle", VIEW, 200),
            NavItem("平安校园", "隐患总览", "safety:overview", "bi-bar-chart-line", VIEW, 205),
            NavItem("平安校园", "挂牌督办", "safety:supervision_list", "bi-flag", VIEW, 210),
            NavItem("系统管理", "隐患类别", "safety:category_list", "bi-tags", CONFIG, 930),
        )
        register_todo_provider(todos.hazard_todos)
