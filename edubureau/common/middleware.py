from . import context


def client_ip(request):
    # Behind a reverse proxy set EDUBUREAU_TRUST_X_FORWARDED_FOR=1 so the real address is logged.
    from django.conf import settings

    if getattr(settings, "EDUBUREAU_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives every request an id and records channel and address for the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.META.get("HTTP_X_REQUEST_ID", "")[:64] or context.new_request_id()
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
