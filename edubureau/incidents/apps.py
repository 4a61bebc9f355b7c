from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "edubureau.incidents"
    label = "incidents"
    verbose_name = "突发事件信息报送"

    def ready(self):
        from edubureau.accounts.permissions import register
        from edubureau.web.navigation import NavItem
        from edubureau.web.navigation import register as register_nav
        from edubureau.web.todos import register_todo_provider

        from . import todos

        for code, label in PERMISSIONS:
            register(code, label)
        register_nav(
            NavItem("平安校园", "事件报送", "incidents:list", "bi-megaphone", "incidents.report", 260),
            NavItem("平安校园", "突发事件台账", "incidents:inbox", "bi-inbox", "incidents.view", 265),
            NavItem("平安校园", "事件报送时限", "incidents:config", "bi-stopwatch", "incidents.config", 268),
        )
        register_todo_provider(todos.school_reports_due)
        register_todo_provider(todos.bureau_unacknowledged)


PERMISSIONS = [
    ("incidents.view", "查看突发事件及其报告"),
    ("incidents.report", "报送突发事件（初报、续报、终报）"),
    ("incidents.manage", "签收突发事件、记录学校未报送的事件"),
    ("incidents.config", "维护突发事件报送时限"),
]
