from django.apps import AppConfig


class EnrichmentConfig(AppConfig):
    name = "parley.enrichment"
    label = "enrichment"
    verbose_name = "Enrichment"
