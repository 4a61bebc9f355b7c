from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "edubureau.org"
    verbose_name = "组织机构"
