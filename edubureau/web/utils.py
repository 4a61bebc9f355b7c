"""Small helpers for thin views."""

from django.core.paginator import Paginator
from django.shortcuts import render

PAGE_SIZE = 20


def paginate(request, queryset, per_page=PAGE_SIZE):
    """The requested page of `queryset` (bad page numbers fall back to the first/last page)."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def add_service_error(form, exc):
    """Put a ServiceError's message on the field it names, or on the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def render_form(request, template, context):
    """Render a form page: 200 on GET, 422 when a POST was refused (the form carries the errors)."""
    return render(request, template, context, status=422 if request.method == "POST" else 200)
