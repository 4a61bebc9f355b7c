from django.http import JsonResponse
from django.urls import include, path
from django.views.generic import RedirectView

from edubureau.api import api


def healthz(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", include("edubureau.web.urls")),
    path("org/", include("edubureau.org.urls")),
    path("users/", include("edubureau.accounts.urls")),
    path("audit/", include("edubureau.audit.urls")),
    path("calendar/", include("edubureau.calendar.urls")),
    path("safety/", include("edubureau.safety.urls")),
    path("inspections/", include("edubureau.inspections.urls")),
    path("incidents/", include("edubureau.incidents.urls")),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False), name="api_docs"),
    path("healthz", healthz, name="healthz"),
]

handler400 = "edubureau.web.views.error_400"
handler403 = "edubureau.web.views.error_403"
handler404 = "edubureau.web.views.error_404"
handler500 = "edubureau.web.views.error_500"
