from django.conf import settings
from django.urls import NoReverseMatch, reverse

from edubureau.accounts.scope import user_grants, user_has_perm
from edubureau.accounts.security import password_expired

from .navigation import NAV_ITEMS


def navigation(request):
    """Site name for everyone; for a signed-in user the side navigation their permissions allow."""
    base = {
        "site_name": settings.EDUBUREAU_SITE_NAME,
        "session_idle_minutes": settings.EDUBUREAU_SESSION_IDLE_MINUTES,
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return base
    roles = sorted({g.membership.role.name for g in user_grants(user)})
    base["user_roles"] = roles
    if getattr(user, "must_change_password", False) or password_expired(user):
        # Every other page redirects to the password change until it is done: show no dead links.
        base["nav_sections"] = {}
        return base
    entries = []
    for item in NAV_ITEMS:
        if item.perm and not user_has_perm(user, item.perm):
            continue
        try:
            entries.append((item, reverse(item.url_name)))
        except NoReverseMatch:
            continue  # an app whose pages are not wired yet
    # Only the longest matching entry is active (/users/tokens/ is 接口令牌, not 用户管理).
    current = request.path
    matches = [url for _, url in entries if (current == url if url == "/" else current.startswith(url))]
    best = max(matches, key=len, default=None)
    sections = {}
    for item, url in entries:
        sections.setdefault(item.section, []).append({"item": item, "url": url, "active": url == best})
    base["nav_sections"] = sections
    return base
