from django.apps import AppConfig


class EnrichmentConfig(AppConfig):
    name = "parley.enrichment"
    label = "enrichment"
    verbose_name = "Enrichment"

    def ready(self):
        from parley.discussion.mentions import recognise_tickers
        from parley.enrichment.queries import known_symbols
        from parley.markets.symbols import recognise_companies

        recognise_tickers(known_symbols)  # $TICKER in comments links to the company's page
        recognise_companies(known_symbols)  # `parley prices import` notes a symbol it does not know
