from django.conf import settings
from django.urls import NoReverseMatch, reverse

from edubureau.accounts.scope import user_grants, user_has_perm

from .navigation import NAV_ITEMS


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"site_name": settings.EDUBUREAU_SITE_NAME}
    sections = {}
    current = request.path
    for item in NAV_ITEMS:
        if item.perm and not user_has_perm(user, item.perm):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # an app whose pages are not wired yet
        active = current == url if url == "/" else current.startswith(url)
        sections.setdefault(item.section, []).append({"item": item, "url": url, "active": active})
    roles = sorted({g.membership.role.name for g in user_grants(user)})
    return {
        "site_name": settings.EDUBUREAU_SITE_NAME,
        "nav_sections": sections,
        "user_roles": roles,
        "session_idle_minutes": settings.EDUBUREAU_SESSION_IDLE_MINUTES,
    }
