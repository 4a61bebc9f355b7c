from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "edubureau.common"
    verbose_name = "公共"
