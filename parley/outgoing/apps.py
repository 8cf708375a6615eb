from django.apps import AppConfig


class OutgoingConfig(AppConfig):
    name = "parley.outgoing"
    label = "outgoing"
    verbose_name = "Outgoing mail"
