from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "edubureau.web"
    verbose_name = "页面框架"
