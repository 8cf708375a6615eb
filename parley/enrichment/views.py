"""Pages per ticker and per person, and quote search."""
from django.http import Http404
from django.shortcuts import render

from parley.articles.caching import anonymous_page_cache
from parley.enrichment.models import Fact
from parley.enrichment.queries import articles_for, person_role, quotes_by, sentence_around


@anonymous_page_cache
def ticker(request, symbol):
    """Show the articles about a ticker, newest first, each with the sentence that mentions it."""
    symbol = symbol.upper()
    rows = [(f, f.article.body_text[slice(*sentence_around(f.article.body_text, f.start, f.end))].strip())
            for f in articles_for("ticker", symbol)]
    if not rows:
        raise Http404("No article mentions this ticker.")
    return render(request, "enrichment/ticker.html", {"symbol": symbol, "rows": rows})


@anonymous_page_cache
def person(request, name):
    """Show a person's role and their quotes across articles; ?about= narrows the quotes."""
    about = request.GET.get("about", "").strip()[:100]
    if not Fact.objects.filter(kind="person", key=name).exists():
        raise Http404("Parley has not seen this person in any article.")
    return render(request, "enrichment/person.html", {
        "name": name, "role": person_role(name), "quotes": quotes_by(name, about), "about": about,
        "articles": articles_for("person", name)})
