"""The "我的待办" registry. Each app registers a provider that lists what the user has to do there.

A provider takes the signed-in user and returns a list of `TodoItem`. It must scope its own reads
(`visible_to(user, perm)`) and keep a fixed number of queries, whatever the number of items:

    from edubureau.web.todos import TodoItem, register_todo_provider

    @register_todo_provider
    def hazards_to_verify(user):
        qs = selectors.hazards_awaiting_check(user=user)
        return [TodoItem(title=..., url=h.get_absolute_url(), due=h.due_on, kind_label="隐患复核",
                         overdue=h.is_overdue, unit_name=h.school.name) for h in qs]

Register in the app's AppConfig.ready() (or in a module that ready() imports).
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TodoItem:
    """One thing the user has to do: answer a task, verify a hazard, fill in a form..."""

    title: str
    url: str
    due: datetime.date | None
    kind_label: str
    overdue: bool = False
    unit_name: str = ""

    @property
    def days_left(self):
        """Days until the due date (negative when past), or None without a due date."""
        if self.due is None:
            return None
        return (self.due - timezone.localdate()).days

    @property
    def overdue_days(self):
        days = self.days_left
        return -days if days is not None and days < 0 else 0

    @property
    def due_soon(self):
        days = self.days_left
        return not self.overdue and days is not None and 0 <= days <= 3


TodoProvider = Callable[..., list[TodoItem]]
_PROVIDERS: list[TodoProvider] = []


def register_todo_provider(func):
    """Add a provider (usable as a decorator). Registering the same function twice is a no-op."""
    if func not in _PROVIDERS:
        _PROVIDERS.append(func)
    return func


def unregister_todo_provider(func):
    if func in _PROVIDERS:
        _PROVIDERS.remove(func)


def providers():
    return list(_PROVIDERS)


def sort_key(item):
    """Overdue first, then by due date (undated last), then by title."""
    return (
        not item.overdue,
        item.due is None,
        item.due or datetime.date.max,
        item.title,
    )


@dataclass
class TodoList:
    items: list[TodoItem]
    failed: list[str]  # names of providers that raised (their items are missing)

    @property
    def overdue_count(self):
        return sum(1 for i in self.items if i.overdue)

    @property
    def due_soon_count(self):
        return sum(1 for i in self.items if i.due_soon)


def collect_todos(user):
    """Every provider's items for `user`, sorted. One failing provider does not hide the others."""
    items, failed = [], []
    for provider in providers():
        try:
            items.extend(provider(user) or [])
        except Exception:
            logger.exception("todo provider %s failed for user %s", provider.__qualname__, user.pk)
            failed.append(getattr(provider, "__qualname__", repr(provider)))
    items.sort(key=sort_key)
    return TodoList(items=items, failed=failed)
