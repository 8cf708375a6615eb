"""One name for each person and topic a page, a notification or a feed shows: the spelling most of
their facts give (a person's quotes count too), ties going to the first in alphabetical order. Every
place that names people or topics by slug asks here, one query for any number of them."""
from django.db.models import Count

from parley.enrichment.models import Fact

FACT_KINDS = {"person": ("person", "quote"), "topic": ("topic",)}


def names_of(kind: str, slugs) -> dict[str, str]:
    """{slug: name} of the people or topics with these slugs that any article has."""
    slugs = {slug for slug in slugs if slug}
    if not slugs:
        return {}
    best: dict[str, tuple[int, str]] = {}
    for row in (Fact.objects.filter(kind__in=FACT_KINDS[kind], slug__in=slugs)
                .values("slug", "key").annotate(n=Count("id"))):
        candidate = (-row["n"], row["key"])
        if row["slug"] not in best or candidate < best[row["slug"]]:
            best[row["slug"]] = candidate
    return {slug: key for slug, (_, key) in best.items()}


def name_of(kind: str, slug: str) -> str | None:
    """The name of one person or topic, or None when no article has it."""
    return names_of(kind, [slug]).get(slug)
