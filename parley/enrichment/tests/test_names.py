"""One name per person and topic (parley.enrichment.names), the same wherever it is shown."""
import pytest

from parley.enrichment.models import Fact
from parley.enrichment.names import name_of, names_of
from parley.enrichment.queries import keys_in, speakers_in
from parley.following.follows import describe
from parley.following.inbox import person_names

pytestmark = pytest.mark.django_db


def _fact(article, kind, key):
    return Fact.objects.create(article=article, kind=kind, key=key, text=key, start=0, end=len(key))


def test_the_spelling_most_articles_give_is_the_name_everywhere(make_article):
    one, two, three = make_article(), make_article(), make_article()
    _fact(one, "person", "Jérôme Powell")  # one article spells it so ...
    _fact(two, "person", "Jerome Powell")  # ... two others, counting a quote, spell it so
    _fact(three, "quote", "Jerome Powell")
    for article in (one, two):
        _fact(article, "topic", "Interest rates")
    _fact(three, "topic", "interest rates")
    slug = Fact.objects.filter(kind="person").values_list("slug", flat=True).first()
    assert Fact.objects.filter(slug=slug).count() == 3  # one slug, two spellings
    assert name_of("person", slug) == "Jerome Powell" and name_of("topic", "interest-rates") == "Interest rates"
    assert names_of("person", [slug, "nobody"]) == {slug: "Jerome Powell"} and name_of("person", "nobody") is None
    # the watchlist and the feed, the inbox, and the lists on company and person pages all agree
    assert describe([("person", slug)])["person", slug].label == "Jerome Powell"
    assert describe([("topic", "interest-rates")])["topic", "interest-rates"].label == "Interest rates"
    from parley.following.models import Notification
    note = Notification(kind=Notification.ARTICLES, group_key=f"person:{slug}")
    assert person_names([note]) == {slug: "Jerome Powell"}
    ids = Fact.objects.values("article_id")
    assert [(row["key"], row["articles"]) for row in keys_in("person", ids)] == [("Jerome Powell", 2)]
    assert [(row["key"], row["articles"]) for row in keys_in("topic", ids)] == [("Interest rates", 3)]
    assert [row["key"] for row in speakers_in(ids)] == ["Jerome Powell"]


def test_a_tie_goes_to_the_first_spelling_in_alphabetical_order(make_article):
    _fact(make_article(), "person", "Mary Barra")
    _fact(make_article(), "person", "MARY BARRA")
    assert name_of("person", "mary-barra") == "MARY BARRA"  # "M" < "a" by code point: deterministic
