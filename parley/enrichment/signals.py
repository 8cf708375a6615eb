"""What enrichment announces, for the apps above it (following) to act on.

`article_understood` is sent inside the transaction that stored an article's first facts and
subjects, `article_enriched` inside every one that recorded an enrichment; `fact_withdrawn` (parley.enrichment.corrections) when a moderator removes a fact.
"""
from django.dispatch import Signal

article_understood = Signal()  # article: enriched for the first time, its subjects stored
article_enriched = Signal()  # article: enriched again or for the first time (its facts stored, or its failure)
