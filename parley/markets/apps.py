from django.apps import AppConfig


class MarketsConfig(AppConfig):
    name = "parley.markets"
    label = "markets"
    verbose_name = "Markets"
