"""A URLconf for the error-page tests: the project's URLs plus views that fail on purpose."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import include, path


def raise_404(request):
    raise Http404("隐患编号 4711 属于东城镇初级中学")


def raise_403(request):
    raise PermissionDenied


def raise_500(request):
    raise RuntimeError("something broke")


urlpatterns = [
    path("fail/404/", raise_404),
    path("fail/403/", raise_403),
    path("fail/500/", raise_500),
    path("", include("edubureau.urls")),
]

handler403 = "edubureau.web.views.error_403"
handler404 = "edubureau.web.views.error_404"
handler500 = "edubureau.web.views.error_500"
