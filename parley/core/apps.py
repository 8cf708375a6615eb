from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parley.core"
    label = "core"
    verbose_name = "Shared primitives"
