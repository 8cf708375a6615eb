from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "parley.sources"
    label = "sources"
    verbose_name = "Sources"
