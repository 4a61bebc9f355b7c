from django import forms, template
from django.utils.html import format_html

register = template.Library()


@register.filter
def widget_class(bound_field):
    """Render a form field's widget with Bootstrap classes (and is-invalid when it has errors)."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return bound_field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.simple_tag
def status_badge(value, label, mapping=None):
    """A coloured badge for a status value: status_badge obj.status obj.get_status_display."""
    colours = {
        "active": "success",
        "closed": "secondary",
        "有效": "success",
        "已吊销": "secondary",
        "已过期": "warning",
    }
    if mapping:
        colours.update(mapping)
    colour = colours.get(value, "secondary")
    return format_html('<span class="badge text-bg-{}">{}</span>', colour, label)


@register.filter
def yesno_cn(value):
    return "是" if value else "否"
