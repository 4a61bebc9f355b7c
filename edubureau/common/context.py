"""Who is acting, through which channel, from where: set once per request, command or job.

Services pass `channel=` explicitly when they know better; otherwise the audit log reads it here.
"""

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, replace

from django.db import models


class Channel(models.TextChoices):
    WEB = "web", "网页"
    API = "api", "接口"
    IMPORT = "import", "导入"
    COMMAND = "command", "命令"
    JOB = "job", "后台任务"


@dataclass(frozen=True)
class ActionContext:
    channel: str = Channel.COMMAND
    ip: str | None = None
    request_id: str = ""
    user_agent: str = ""


_current = contextvars.ContextVar("edubureau_action_context", default=ActionContext())  # noqa: B039 (frozen)


def current():
    return _current.get()


def new_request_id():
    return uuid.uuid4().hex[:16]


@contextmanager
def acting(**changes):
    """Run a block with a different channel / address / request id (e.g. `acting(channel="import")`)."""
    token = _current.set(replace(_current.get(), **changes))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def set_context(ctx):
    return _current.set(ctx)


def reset_context(token):
    _current.reset(token)
