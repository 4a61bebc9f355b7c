"""The one scoping primitive (DESIGN.md rule 1).

Every model whose records belong to an org unit uses `ScopedQuerySet` (set `scope_field` to the name of
its org-unit foreign key) and is fetched with `get_visible_or_404`. Missing and out-of-scope get the
same 404, so a URL never confirms that a record exists.
"""

from django.db import models
from django.http import Http404

from edubureau.common.errors import NotFoundError


def scope_q(prefixes, path_lookup):
    cond = models.Q()
    for prefix in prefixes:
        cond |= models.Q(**{f"{path_lookup}__startswith": prefix})
    return cond


class ScopedQuerySet(models.QuerySet):
    """Records that belong to an org unit; `scope_field` names the org-unit foreign key."""

    scope_field = "unit"

    def _path_lookup(self):
        return f"{self.scope_field}__path" if self.scope_field else "path"

    def visible_to(self, user, perm="org.view"):
        from edubureau.accounts.scope import ALL, user_scope_prefixes

        prefixes = user_scope_prefixes(user, perm)
        if prefixes is ALL:
            return self
        if not prefixes:
            return self.none()
        return self.filter(scope_q(prefixes, self._path_lookup()))


def get_visible_or_404(queryset, user, perm="org.view", **lookup):
    """Fetch one record the user may see, or raise Http404 for missing and out-of-scope alike."""
    if isinstance(queryset, type) and issubclass(queryset, models.Model):
        queryset = queryset._default_manager.all()
    try:
        return queryset.visible_to(user, perm).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该对象，或您无权访问。") from None


def get_visible_or_error(queryset, user, perm="org.view", **lookup):
    """Like get_visible_or_404 for services: raises NotFoundError (a ServiceError)."""
    try:
        return get_visible_or_404(queryset, user, perm, **lookup)
    except Http404:
        raise NotFoundError() from None
