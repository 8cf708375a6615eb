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
EXECUTIVES = {"Alderbrook Energy": "Maya Okafor", "Veltrix Semiconductors": "Jonah Abernathy",
              "Pinecrest Bancorp": "Helena Varga", "Solvane Airlines": "Idris Coleman", "Orrin Minerals": "Sofia Brandt",
              "Quillfeather Software": "Marcus Ilesanmi", "Brightwater Utilities": "Ruth Calloway",
              "Kestrel Logistics": "Anton Petrakis", "Marlow Pharmaceuticals": "Naomi Fairbanks",
              "Everden Retail": "Felix Ortega"}
ANALYSTS = [("Priya Raman", "an analyst at Fenwick Partners"), ("Tomas Lind", "a portfolio manager at Hollis Capital"),
            ("Grace Whitfield", "head of research at Ardent Securities"), ("Luis Moreno", "an economist at Bellcourt Bank"),
            ("Daniel Reyes", "an analyst at Hollis Capital")]
PEOPLE = [(name, "chief executive") for name in EXECUTIVES.values()] + ANALYSTS
FIRMS = ["Fenwick Partners", "Hollis Capital", "Ardent Securities", "Bellcourt Bank"]
# Invented symbols for the invented companies, so their pages, watchlists and sample prices work. None
# is in the shipped company list (a test checks), and their prices say "sample (demo)" wherever shown.
TICKERS = {"Alderbrook Energy": "ALDB", "Veltrix Semiconductors": "VLTX", "Pinecrest Bancorp": "PNCB",
           "Solvane Airlines": "SLVA", "Orrin Minerals": "ORRN", "Quillfeather Software": "QLFS",
           "Brightwater Utilities": "BRWU", "Kestrel Logistics": "KSTL", "Marlow Pharmaceuticals": "MRLW",
           "Everden Retail": "EVDN"}
# Where each invented company's sample price starts a year before, in dollars.
START_PRICES = {"ALDB": 42.0, "VLTX": 118.0, "PNCB": 27.5, "SLVA": 19.8, "ORRN": 64.0, "QLFS": 88.0,
                "BRWU": 51.0, "KSTL": 33.0, "MRLW": 146.0, "EVDN": 23.5}


def known_names() -> list[tuple[str, str, str]]:
    """The demo's invented names, what each is and its invented ticker (companies only): loaded with
    the demo as site rules, so no sample article shows an invented company as a person or with a real
    company's ticker."""
    return ([(name, "organization", TICKERS.get(name, "")) for name in [*COMPANIES, *FIRMS, *OUTLETS]]
            + [(name, "person", "") for name, _ in PEOPLE])


# Each kind of event in its own words, as real reports of different events are; the figures are the
# event's, so every outlet covering it gives the same ones.
EVENTS = {
    "quarterly earnings": ["{company} reported quarterly revenue of ${amount} billion, against ${prior} billion a year earlier.",
                           "Net profit beat the consensus estimate, helped by lower input costs.",
                           "Management kept its full-year guidance unchanged."],
    "a takeover offer": ["{company} received an unsolicited offer valuing it at ${amount} billion.",
                         "The board said it would review the approach with its advisers.",
                         "A deal would need approval from competition authorities in several countries."],
    "new tariffs": ["New tariffs on imported components could add ${amount} billion to {company}'s annual costs.",
                    "The company said it would try to pass part of the increase on to customers.",
                    "Suppliers in three countries are affected by the duties."],
    "rising bond yields": ["Ten-year yields climbed for a fifth session, lifting borrowing costs across the market.",
                           "{company} carries ${amount} billion of debt due within three years.",
                           "Higher rates weigh on the valuations of long-duration assets."],
    "a supply squeeze": ["A shortage of key inputs has left {company} with ${amount} billion of unfilled orders.",
                         "Delivery times have stretched to several months.",
                         "The company is qualifying a second supplier to ease the bottleneck."],
    "a rate decision": ["The central bank left its benchmark rate unchanged but signalled cuts later in the year.",
                        "{company}'s lending margin depends heavily on the path of rates.",
                        "Futures markets moved to price in two reductions."],
    "a rights issue": ["{company} plans to raise ${amount} billion by selling new shares to existing holders at a discount.",
                       "The proceeds will pay down debt and fund expansion.",
                       "Holders who do not take up their rights will see their stakes diluted."],
    "a data-center expansion": ["{company} will spend ${amount} billion on new data-center capacity over three years.",
                                "The first two sites are due to open next spring.",
                                "Power contracts for the sites have already been signed."],
    "a rare-earths deal": ["{company} signed a ${amount} billion agreement to secure rare-earth supplies for a decade.",
                           "The deal reduces its reliance on a single exporting country.",
                           "Deliveries are due to start next year."],
    "a dividend cut": ["{company} cut its quarterly dividend by {pct}% to preserve cash.",
                       "The payout had been unchanged for six years.",
                       "Income funds hold a large share of the stock."],
}
TOPICS = list(EVENTS)
VERBS = ["rallies after", "slides on", "weighs", "braces for", "shrugs off", "bets big on", "cuts outlook amid", "wins praise for"]
AROUND = [
    "Shares of {company} moved {pct}% in early trading as investors digested the news.",
    "“We expect the next two quarters to be demanding, but our balance sheet is strong,” said {executive}, "
    "chief executive of {company}.",
    "{analyst}, {role}, said the reaction reflected wider worries about {topic}.",
    "Trading volume was roughly {mult} times the 30-day average, according to exchange figures.",
    "Regulators have not commented, and the company declined to give further guidance.",
    "The board will meet again next month, when it is due to update investors on costs and hiring.",
]
# Each company has one event in each of two spells of the week, more than three days apart, so no
# two of its events can be mistaken for one story; in a spell, every company's event is of another kind.
SPELLS = [(0.3, 1.8), (5.2, 6.9)]  # days before now
COVERAGE_HOURS = 6  # how long after an event its reports appear


def demo_drafts(now: datetime, count: int = 60) -> list[ArticleDraft]:
    """Return `count` sample articles over the seven days before `now`, the same every run: reports of
    twenty invented events, most covered by several outlets (a story), some by one."""
    rng = random.Random(SEED)
    events = []
    for spell in SPELLS:
        for company, topic in zip(COMPANIES, rng.sample(TOPICS, len(COMPANIES)), strict=True):
            at = now - timedelta(days=rng.uniform(*spell))
            analyst, role = rng.choice(ANALYSTS)
            events.append({"company": company, "topic": topic, "executive": EXECUTIVES[company], "analyst": analyst,
                           "role": role, "at": at, "pct": rng.randint(2, 14), "mult": rng.randint(2, 6),
                           "amount": f"{rng.uniform(0.4, 12):.2f}", "prior": f"{rng.uniform(0.4, 12):.2f}"})
    rng.shuffle(events)
    # Spread `count` reports over the events: each at least one, some up to five.
    coverage = [1] * len(events)
    for _ in range(max(0, count - len(events))):
        coverage[rng.choice([n for n, c in enumerate(coverage) if c < 5] or [0])] += 1
    drafts = []
    for event, covered_by in zip(events, coverage, strict=True):
        for outlet in rng.sample(list(OUTLETS), min(covered_by, len(OUTLETS))):
            published = min(event["at"] + timedelta(minutes=rng.randrange(0, COVERAGE_HOURS * 60)),
                            now - timedelta(minutes=10)).replace(second=0, microsecond=0)
            values = {**event, "day": published.strftime("%A")}
            # The lead names the company, as news does; the rest comes in another order at each outlet.
            lead = next(s for s in EVENTS[event["topic"]] if "{company}" in s)
            others = rng.sample([s for s in EVENTS[event["topic"]] if s != lead], rng.randint(1, 2))
            sentences = [lead, *rng.sample(others + rng.sample(AROUND, 3), len(others) + 3)]
            sentences = [s.format(**values) for s in sentences]
            paragraphs = [" ".join(sentences[i:i + 2]) for i in range(0, len(sentences), 2)]
            drafts.append(ArticleDraft(
                title=f"{event['company']} {rng.choice(VERBS)} {event['topic']}",
                outlet=outlet,
                byline=rng.choice(["", "Staff reporter", "Markets desk", event["analyst"]]),
                url=f"https://demo.parley.invalid/{len(drafts) + 1}",
                published_at=published,
                paragraphs=paragraphs,
                disclaimer=OUTLETS[outlet],
                origin="demo",
                is_sample=True,
            ))
            if len(drafts) == count:
                return drafts
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
