"""What enrichment announces, for the apps above it (following) to act on.

`article_understood` is sent inside the transaction that stored an article's first facts and
subjects; `fact_withdrawn` (parley.enrichment.corrections) when a moderator removes a fact.
"""
from django.dispatch import Signal

article_understood = Signal()  # article: enriched for the first time, its subjects stored
