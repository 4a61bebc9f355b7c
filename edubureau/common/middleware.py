import ipaddress
import re

from . import context

REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _valid_ip(value):
    value = value.strip()
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return None
    return value


def client_ip(request):
    """The caller's address, as logged and as counted by the login lock-out.

    Behind a reverse proxy set EDUBUREAU_TRUST_X_FORWARDED_FOR=1: the address is then the LAST one in
    X-Forwarded-For, the one your proxy appended. Earlier entries come from the client and could be
    anything (a new made-up address per attempt would escape the address lock-out); text that is not an
    address is never returned (it would not fit the log's address column).
    """
    from django.conf import settings

    if getattr(settings, "EDUBUREAU_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            last = _valid_ip(forwarded.split(",")[-1])
            if last:
                return last
    return _valid_ip(request.META.get("REMOTE_ADDR") or "")


class RequestContextMiddleware:
    """Gives every request an id and records channel and address for the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        # A proxy's request id is kept for tracing only when it is a plain token; anything else is replaced.
        request_id = incoming if REQUEST_ID_RE.fullmatch(incoming) else context.new_request_id()
        channel = context.Channel.API if request.path.startswith("/api/") else context.Channel.WEB
        request.request_id = request_id
        token = context.set_context(
            context.ActionContext(
                channel=channel,
                ip=client_ip(request),
                request_id=request_id,
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            )
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset_context(token)
        response["X-Request-ID"] = request_id
        return response
