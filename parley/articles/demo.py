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
FIRMS = ["Fenwick Partners", "Hollis Capital", "Ardent Securities", "Bellcourt Bank"]


def known_names() -> list[tuple[str, str]]:
    """The demo's invented names and what each is: loaded with the demo as site rules, so no sample
    article shows an invented company as a person or with a real company's ticker."""
    return ([(name, "organization") for name in [*COMPANIES, *FIRMS, *OUTLETS]]
            + [(name, "person") for name, _ in PEOPLE])


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

READERS = ["ledger_lynx", "bond_vigilante", "quiet_quant", "dividend_dan", "macro_maya", "chartist_chen",
           "value_vera", "index_ike"]
# Comments are put together from three parts, so no two in the demo read the same.
OPENERS = ["The revenue line looks fine, but", "Read the whole piece:", "Honestly,", "Counterpoint:", "From the numbers alone,",
           "As someone who trades this sector,", "Before anyone gets excited,", "I went back to last year's filing and"]
OBSERVATIONS = [
    "the guidance is doing a lot of work here", "volume that high usually means funds are repositioning",
    "margins are the story and nobody mentions **costs**", "the sector has priced this in for weeks",
    "the analysts revised their targets *after* the move, as usual", "the prior-year comparison is missing",
    "the currency effect explains half of the change", "the buyback is flattering the per-share figures",
    "the cash flow statement tells a calmer story than the headline", "the debt maturities matter more than the quarter",
]
CLOSERS = ["I'd wait for the next quarter.", "Position sizes small around announcements.", "Happy to be proven wrong.",
           "Curious what others see.", "Not advice, just how I read it.", "The call transcript should settle it.", ""]
REPLIES = ["Fair point, though", "Agreed, and", "Not sure about that:", "Good catch.", "Same here;", "Respectfully,"]


def demo_discussion(now: datetime, article_ids: list[int]):
    """Yield (reader, article id, parent index or None, text, when) for the sample discussions.

    A few articles get lively threads in the last day, some get older ones, most get none, so
    Most Discussed and Active have something honest to rank.
    """
    rng = random.Random(SEED + 1)
    picked = rng.sample(article_ids, min(14, len(article_ids)))
    said: set[str] = set()

    def remark(reply: bool) -> str:
        for _ in range(50):
            opener = rng.choice(REPLIES) if reply else rng.choice(OPENERS)
            text = " ".join(filter(None, [opener, rng.choice(OBSERVATIONS) + ".", rng.choice(CLOSERS)]))
            if text not in said:
                break
        said.add(text)
        return text

    for rank, article_id in enumerate(picked):
        count = max(1, 12 - rank) if rank < 10 else rng.randint(1, 3)
        hours_back = rng.uniform(0.5, 20) if rank < 8 else rng.uniform(30, 150)
        posted = []
        for n in range(count):
            when = now - timedelta(hours=hours_back) + timedelta(minutes=7 * n + rng.randint(0, 5))
            parent = rng.randrange(len(posted)) if posted and rng.random() < 0.4 else None
            posted.append(n)
            yield rng.choice(READERS), article_id, parent, remark(parent is not None), min(when, now)
