from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "parley.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
