"""Deterministic sample content so a new instance has something on every page.

The outlets, companies and people are invented; every article is marked as sample content.
"""
import random
from datetime import datetime, timedelta

from parley.articles.services import ArticleDraft

SEED = 20251125
OUTLETS = {
    "Harbor Street Ledger": "Sample content from Parley's demo data. Not investment advice; do your own research.",
    "Meridian Markets Wire": "Demo article for illustration only. It is not an offer or a recommendation to buy or sell.",
    "The Quarterly Lens": "Invented sample text. Markets carry risk; consult a licensed adviser before investing.",
    "Copperline Daily": "Parley demo content. Nothing here is financial advice.",
    "Northgate Business Review": "Sample article generated for a demo. Past performance does not predict future returns.",
    "Tidewater Financial Times": "Fictional demo news. Investing carries risk.",
}
COMPANIES = ["Alderbrook Energy", "Veltrix Semiconductors", "Pinecrest Bancorp", "Solvane Airlines",
             "Orrin Minerals", "Quillfeather Software", "Brightwater Utilities", "Kestrel Logistics",
             "Marlow Pharmaceuticals", "Everden Retail"]
PEOPLE = [("Maya Okafor", "chief executive"), ("Daniel Reyes", "chief financial officer"),
          ("Priya Raman", "an analyst at Fenwick Partners"), ("Tomas Lind", "a portfolio manager at Hollis Capital"),
          ("Grace Whitfield", "head of research at Ardent Securities"), ("Luis Moreno", "an economist at Bellcourt Bank")]
TOPICS = ["quarterly earnings", "a takeover offer", "new tariffs", "rising bond yields", "a supply squeeze",
          "a rate decision", "a rights issue", "a data-center expansion", "a rare-earths deal", "a dividend cut"]
VERBS = ["rallies after", "slides on", "weighs", "braces for", "shrugs off", "bets big on", "cuts outlook amid", "wins praise for"]
SENTENCES = [
    "{company} said on {day} that {topic} would shape its plans for the rest of the year.",
    "Shares of {company} moved {pct}% in early trading as investors digested the news.",
    "\u201cWe expect the next two quarters to be demanding, but our balance sheet is strong,\u201d said {person}, {role}.",
    "The company reported revenue of ${amount} billion for the quarter, against ${prior} billion a year earlier.",
    "Analysts had expected a smaller move, and several revised their price targets after the announcement.",
    "{person2}, {role2}, said the reaction reflected wider worries about {topic2} rather than the company itself.",
    "Trading volume was roughly {mult} times the 30-day average, according to exchange figures.",
    "Regulators have not commented, and the company declined to give further guidance.",
    "Competitors are watching closely, since {topic2} affects most of the sector.",
    "The board will meet again next month, when it is due to update investors on costs and hiring.",
]


def demo_drafts(now: datetime, count: int = 60) -> list[ArticleDraft]:
    """Return `count` sample articles spread over the seven days before `now`, the same every run."""
    rng = random.Random(SEED)
    outlets = list(OUTLETS)
    drafts = []
    for n in range(count):
        company, topic = rng.choice(COMPANIES), rng.choice(TOPICS)
        (person, role), (person2, role2) = rng.sample(PEOPLE, 2)
        published = (now - timedelta(minutes=rng.randrange(10, 7 * 24 * 60))).replace(second=0, microsecond=0)
        values = {
            "company": company, "topic": topic, "topic2": rng.choice(TOPICS), "person": person, "role": role,
            "person2": person2, "role2": role2, "day": published.strftime("%A"), "pct": rng.randint(2, 14),
            "amount": f"{rng.uniform(0.4, 12):.1f}", "prior": f"{rng.uniform(0.4, 12):.1f}", "mult": rng.randint(2, 6),
        }
        sentences = [s.format(**values) for s in rng.sample(SENTENCES, rng.randint(6, 9))]
        paragraphs = [" ".join(sentences[i:i + 2]) for i in range(0, len(sentences), 2)]
        outlet = outlets[n % len(outlets)]
        drafts.append(ArticleDraft(
            title=f"{company} {rng.choice(VERBS)} {topic}",
            outlet=outlet,
            byline=rng.choice(["", "Staff reporter", "Markets desk", person2]),
            url=f"https://demo.parley.invalid/{n + 1}",
            published_at=published,
            paragraphs=paragraphs,
            disclaimer=OUTLETS[outlet],
            origin="demo",
            is_sample=True,
        ))
    return drafts
