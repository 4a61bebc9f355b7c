"""The side navigation. Each app appends its entries here; an entry shows when the user holds its perm."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    section: str
    label: str
    url_name: str
    icon: str
    perm: str | None = None  # None: every signed-in user
    order: int = 100


NAV_ITEMS: list[NavItem] = []


def register(*items):
    NAV_ITEMS.extend(items)
    NAV_ITEMS.sort(key=lambda i: i.order)


register(
    NavItem("工作台", "我的待办", "web:home", "bi-list-check", None, 10),
    NavItem("基础数据", "组织机构", "org:tree", "bi-diagram-3", "org.view", 800),
    NavItem("基础数据", "单位分组", "org:group_list", "bi-collection", "org.view", 810),
    NavItem("基础数据", "校历与工作日", "calendar:overview", "bi-calendar3", None, 820),
    NavItem("系统管理", "用户管理", "accounts:user_list", "bi-people", "users.view", 900),
    NavItem("系统管理", "角色权限", "accounts:role_list", "bi-shield-check", "users.view", 905),
    NavItem("系统管理", "审计日志", "audit:event_list", "bi-journal-text", "audit.view", 910),
    NavItem("系统管理", "登录日志", "audit:login_list", "bi-box-arrow-in-right", "audit.view", 920),
    NavItem("个人", "接口令牌", "accounts:token_list", "bi-key", None, 950),
)
