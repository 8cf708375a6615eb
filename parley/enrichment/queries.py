"""Listings over facts: an article's facts grouped, a ticker's articles, a person's quotes."""
from collections import defaultdict

from django.db.models import Max

from parley.enrichment.models import Fact

PAGE = 30


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the span of the sentence holding [start, end)."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    return left + 1 if left >= 0 else 0, (min(right_candidates) + 1) if right_candidates else len(text)


def article_facts(article) -> dict:
    """Return an article's facts by kind, one entry per key, with every place it occurs."""
    grouped = defaultdict(dict)
    for fact in Fact.objects.filter(article=article).order_by("start"):
        entry = grouped[fact.kind].setdefault(fact.key if fact.kind != "quote" and fact.kind != "money" else
                                              f"{fact.key}:{fact.start}", {"fact": fact, "spans": []})
        entry["spans"].append((fact.start, fact.end))
    return {kind: list(entries.values()) for kind, entries in grouped.items()}


def articles_for(kind: str, key: str, limit: int = PAGE):
    """Return (article, first fact) pairs mentioning a key, newest article first."""
    facts = (Fact.objects.filter(kind=kind, key=key).values("article_id").annotate(first=Max("id"))
             .order_by("-article__published_at")[:limit])
    by_id = {f.pk: f for f in Fact.objects.select_related("article__outlet").filter(pk__in=[r["first"] for r in facts])}
    return [by_id[r["first"]] for r in facts if r["first"] in by_id]


def quotes_by(person: str, about: str = "", limit: int = PAGE):
    """Return a person's quotes, newest article first; `about` keeps those containing the words."""
    qs = Fact.objects.filter(kind="quote", key=person).select_related("article__outlet")
    for word in about.split()[:5]:
        qs = qs.filter(text__icontains=word)
    return list(qs.order_by("-article__published_at", "start")[:limit])


def person_role(person: str) -> str:
    """Return the latest role an article gave a person."""
    fact = Fact.objects.filter(kind="person", key=person).exclude(value={}).order_by("-article__published_at").first()
    return (fact.value or {}).get("role", "") if fact else ""
