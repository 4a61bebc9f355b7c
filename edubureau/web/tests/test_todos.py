import datetime

import pytest
from django.utils import timezone

from edubureau.web import todos
from edubureau.web.todos import TodoItem, collect_todos, register_todo_provider, sort_key


@pytest.fixture(autouse=True)
def empty_registry(monkeypatch):
    monkeypatch.setattr(todos, "_PROVIDERS", [])


def make(title, due=None, overdue=False):
    return TodoItem(title=title, url="/", due=due, kind_label="任务", overdue=overdue, unit_name="")


def test_registering_the_same_provider_twice_calls_it_once():
    calls = []

    def provider(user):
        calls.append(user)
        return [make("一项")]

    register_todo_provider(provider)
    register_todo_provider(provider)
    assert len(collect_todos("someone").items) == 1
    assert calls == ["someone"]


def test_register_works_as_a_decorator_and_returns_the_function():
    @register_todo_provider
    def provider(user):
        return []

    assert provider in todos.providers()


def test_overdue_items_come_first_even_with_a_later_due_date():
    today = datetime.date(2026, 3, 10)
    items = [
        make("未逾期", today),
        make("逾期晚", today + datetime.timedelta(days=5), overdue=True),
        make("逾期早", today - datetime.timedelta(days=5), overdue=True),
        make("无期限"),
    ]
    assert [i.title for i in sorted(items, key=sort_key)] == ["逾期早", "逾期晚", "未逾期", "无期限"]


def test_days_left_and_overdue_days_count_calendar_days():
    today = timezone.localdate()
    assert make("a", today + datetime.timedelta(days=3)).days_left == 3
    assert make("b", today - datetime.timedelta(days=4), overdue=True).overdue_days == 4
    assert make("c").days_left is None
    assert make("d", today + datetime.timedelta(days=2)).due_soon
    assert not make("e", today + datetime.timedelta(days=10)).due_soon


def test_counts_of_overdue_and_due_soon_items():
    today = timezone.localdate()
    register_todo_provider(
        lambda user: [
            make("x", today - datetime.timedelta(days=1), overdue=True),
            make("y", today + datetime.timedelta(days=1)),
            make("z"),
        ]
    )
    result = collect_todos(None)
    assert (result.overdue_count, result.due_soon_count, result.failed) == (1, 1, [])
