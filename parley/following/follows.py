"""Following things: checking what a reader asks to follow, naming it, the watchlist, and the
CSV of tickers a watchlist imports and exports."""
import csv
import io
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from parley.articles.models import Article, Outlet, url_for
from parley.articles.paging import id_param
from parley.discussion.models import Comment
from parley.enrichment.companies import company, symbol_named
from parley.enrichment.models import Fact, Subject, slug_of
from parley.enrichment.names import names_of
from parley.enrichment.queries import known_symbols
from parley.following import symbols
from parley.following.models import Follow
from parley.markets.board import latest_quotes
from parley.markets.instruments import FUNDS_HINT, funds_loaded
from parley.markets.symbols import normalise as normalise_symbol
from parley.stories.models import Story

MAX_FOLLOWS = 500  # per reader: enough for any watchlist, and it bounds the feed's query
TICKER = re.compile(r"^[A-Z][A-Z0-9]{0,5}([.-][A-Z0-9]{1,3})?$")
MAX_CSV_BYTES = 100_000
MAX_CSV_ROWS = 1_000
NEW_CAP = 99  # "99+ new" is all a watchlist needs to say


class FollowError(ValueError):
    """What a reader asked to follow cannot be followed, with the reason to show."""


class FollowLimit(FollowError):
    """The reader follows as many things as Parley keeps."""


def key_of(kind: str, key: str) -> str:
    """A followed thing's key as its page names it: `$ba` → `BA`, "Jerome Powell" → `jerome-powell`."""
    key = (key or "").strip()
    if kind == Follow.TICKER:  # as brokers write them too: BRK-B, BRK/B and brk.b are BRK.B
        return normalise_symbol(key.lstrip("$")) or key.lstrip("$").upper()
    if kind in (Follow.PERSON, Follow.TOPIC):
        return slug_of(key)
    return key


def normalise(kind: str, key: str) -> tuple[str, str]:
    """Check that a thing exists and can be followed; return its (kind, key) as pages name it."""
    written, key = (key or "").strip(), key_of(kind, key)
    if kind == Follow.TICKER:
        if not (TICKER.match(key) or symbols.is_symbol(key)):
            raise FollowError(f"“{written[:40]}” is not a ticker symbol.")
        if not symbols.knows(key):
            raise FollowError(f"Parley knows no company, ETF, fund or index with the symbol {key}."
                              + ("" if funds_loaded() else f" {FUNDS_HINT}"))
        return kind, key
    if kind in (Follow.PERSON, Follow.TOPIC):
        if not key or not Fact.objects.filter(kind=kind, slug=key).exists():
            raise FollowError(f"No article mentions the {kind} “{written[:80]}”.")
        return kind, key
    if kind == Follow.OUTLET:
        if not Outlet.objects.filter(slug=key).exists():
            raise FollowError(f"There is no outlet “{written[:80]}”.")
        return kind, key
    if kind == Follow.ARTICLE:
        pk = id_param(key)
        if pk is None or not Article.objects.filter(pk=pk).exists():
            raise FollowError("That article does not exist.")
        return kind, str(pk)
    if kind == Follow.STORY:
        story = Story.objects.filter(pk=id_param(key) or 0).only("pk", "merged_into").first()
        if story is None:
            raise FollowError("That story does not exist.")
        return kind, str(story.merged_into_id or story.pk)  # a merged story's news is its new story's
    raise FollowError("You can follow a ticker, a person, a topic, an outlet, a discussion or a story.")


def follow(user, kind: str, key: str) -> tuple[Follow, bool]:
    """Follow a thing; return (the follow, whether it is new). Following twice is not an error."""
    kind, key = normalise(kind, key)
    existing = Follow.objects.filter(user=user, kind=kind, key=key).first()
    if existing:
        return existing, False
    if Follow.objects.filter(user=user).count() >= MAX_FOLLOWS:
        raise FollowLimit(f"You follow {MAX_FOLLOWS} things already, the most Parley keeps; drop some first.")
    try:
        with transaction.atomic():
            return Follow.objects.create(user=user, kind=kind, key=key), True
    except IntegrityError:  # a double submit
        return Follow.objects.get(user=user, kind=kind, key=key), False


def unfollow(user, kind: str, key: str) -> bool:
    """Stop following; return whether anything was followed. Works for things since deleted."""
    deleted, _ = Follow.objects.filter(user=user, kind=kind, key=key_of(kind, key)).delete()
    return bool(deleted)


def is_following(user, kind: str, key: str) -> bool:
    return bool(user.is_authenticated) and Follow.objects.filter(user=user, kind=kind, key=key).exists()


@dataclass
class Followed:
    kind: str
    key: str
    label: str
    url: str | None  # None: the thing is gone (a deleted article)
    new: int = 0  # articles (or comments, for a discussion) since the reader's last visit
    quote: object = None  # a ticker's markets.board.Latest: its last close and changes, when stored

    @property
    def new_text(self) -> str:
        return f"{NEW_CAP}+" if self.new > NEW_CAP else str(self.new)


def describe(pairs) -> dict[tuple[str, str], Followed]:
    """Name followed things for pages, a few queries for any number: {(kind, key): Followed}."""
    pairs = list(pairs)
    by_kind = {}
    for kind, key in pairs:
        by_kind.setdefault(kind, []).append(key)
    names = {}
    for kind in (Follow.PERSON, Follow.TOPIC):
        if kind in by_kind:
            names.update({(kind, slug): name for slug, name in names_of(kind, by_kind[kind]).items()})
    if Follow.OUTLET in by_kind:
        names.update({(Follow.OUTLET, slug): name for slug, name in
                      Outlet.objects.filter(slug__in=by_kind[Follow.OUTLET]).values_list("slug", "name")})
    stories = {}
    if Follow.STORY in by_kind:
        stories = Story.objects.only("title", "slug").in_bulk([int(k) for k in by_kind[Follow.STORY]])
    articles = {}
    if Follow.ARTICLE in by_kind:
        articles = Article.objects.only("title", "slug").in_bulk([int(k) for k in by_kind[Follow.ARTICLE]])
    named = symbols.describe_symbols(by_kind.get(Follow.TICKER, []))
    # Every symbol the site knows has a page (a listed company, an index, a fund, the demo's), as has
    # one an article names; a symbol no longer known by either links nowhere.
    pages = (known_symbols(set(by_kind[Follow.TICKER])) | set(named)) if Follow.TICKER in by_kind else set()
    out = {}
    for kind, key in pairs:
        if kind == Follow.TICKER:
            known = named.get(key)
            out[kind, key] = Followed(kind, key, symbols.shown(key) + (f" · {known.label}" if known else ""),
                                      url_for("ticker", key) if key in pages else None)
        elif kind == Follow.ARTICLE:
            article = articles.get(int(key))
            out[kind, key] = Followed(kind, key, article.title if article else "A removed article",
                                      article.get_absolute_url() if article else None)
        elif kind == Follow.STORY:
            story = stories.get(int(key))
            out[kind, key] = Followed(kind, key, story.title if story else "A removed story",
                                      story.get_absolute_url() if story else None)
        else:
            route = {Follow.PERSON: "person", Follow.TOPIC: "topic", Follow.OUTLET: "outlet"}[kind]
            label = names.get((kind, key))
            out[kind, key] = Followed(kind, key, label or f"{key} (no longer found)", url_for(route, key) if label else None)
    return out


def reason_label(kind: str, key: str, described: dict) -> str:
    """How the feed says why an article is there: "$BA", "Jerome Powell", "Deep News"."""
    found = described.get((kind, key))
    if kind == Follow.TICKER:
        return symbols.shown(key)
    return found.label if found else key


def watchlist(user, since) -> list[Followed]:
    """What a reader follows, grouped by kind, each with how much is new since `since`."""
    pairs = list(Follow.objects.filter(user=user).order_by("kind", "key").values_list("kind", "key"))
    described = describe(pairs)
    outlet_ids = dict(Outlet.objects.filter(slug__in=[k for kind, k in pairs if kind == Follow.OUTLET])
                      .values_list("slug", "id"))
    quotes = latest_quotes([key for kind, key in pairs if kind == Follow.TICKER])  # one query for all
    rows = []
    for kind, key in pairs:
        item = described[kind, key]
        item.quote = quotes.get(key) if kind == Follow.TICKER else None
        if since is not None:
            if kind in (Follow.TICKER, Follow.PERSON, Follow.TOPIC):
                newer = Subject.objects.filter(kind=kind, key=key, published_at__gt=since, article__date_unknown=False)
            elif kind == Follow.OUTLET:
                newer = Article.objects.filter(outlet_id=outlet_ids.get(key), published_at__gt=since, date_unknown=False)
            elif kind == Follow.STORY:
                newer = Comment.objects.visible().filter(article__membership__story_id=int(key), created_at__gt=since)
            else:
                newer = Comment.objects.visible().filter(article_id=int(key), created_at__gt=since)
            item.new = newer[:NEW_CAP + 1].count()
        rows.append(item)
    return rows


# -- CSV -----------------------------------------------------------------------------------

def export_csv(user) -> str:
    """The reader's followed tickers as CSV: a `ticker` header, then one symbol per row with its name,
    kind and its last stored close with that close's day, currency and source (empty when none)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ticker", "name", "kind", "last_close", "close_day", "currency", "price_source"])
    followed = list(Follow.objects.filter(user=user, kind=Follow.TICKER).order_by("key").values_list("key", flat=True))
    named, quotes = symbols.describe_symbols(followed), latest_quotes(followed)
    for symbol in followed:
        known, quote = named.get(symbol), quotes.get(symbol)
        writer.writerow([symbol, (known.label if known else ""), (known.kind if known else ""),
                         *([format(quote.close.normalize(), "f"), quote.day.isoformat(), quote.currency, quote.source]
                           if quote else ["", "", "", ""])])
    return out.getvalue()


@dataclass
class ImportResult:
    added: list
    already: list
    skipped: list  # (row number, text, why)
    repeated: int = 0  # rows naming a ticker an earlier row of the file named (a second lot)


def import_csv(user, data: bytes, size: int | None = None) -> ImportResult:
    """Follow the tickers of a CSV: the first cell of each row (a `ticker`/`symbol` column when the
    header names one), as `BA`, `$BA` or a company's name. Rows that are no ticker are reported, not
    guessed; nothing is followed twice."""
    if len(data) > MAX_CSV_BYTES:
        raise FollowError(f"That file is {size or len(data):,} bytes; a watchlist CSV can be at most {MAX_CSV_BYTES:,}.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FollowError("That file is not UTF-8 text; save it as CSV (UTF-8) and try again.") from None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise FollowError(f"That file is not CSV: {exc}.") from None
    if len(rows) > MAX_CSV_ROWS:
        raise FollowError(f"That file has {len(rows):,} rows; a watchlist CSV can have at most {MAX_CSV_ROWS:,}.")
    column, start = 0, 0
    if rows:
        header = [cell.strip().lower() for cell in rows[0]]
        for name in ("ticker", "symbol"):
            if name in header:
                column, start = header.index(name), 1
                break
    result = ImportResult([], [], [])
    seen: set[str] = set()
    body = rows[start:]
    for number, row in enumerate(body, start=start + 1):
        cell = row[column].strip() if len(row) > column else ""
        if not cell or cell.startswith("#"):
            continue
        written = key_of(Follow.TICKER, cell)
        symbol = written if company(written) else symbol_named(cell) or (
            written if TICKER.match(written) or symbols.is_symbol(written) else None)
        if symbol is None:
            result.skipped.append((number, cell[:60], "not a ticker symbol or the name of a company Parley knows"))
            continue
        if symbol in seen:  # a broker lists a symbol once a lot: it was followed (or not) at its first row
            result.repeated += 1
            continue
        seen.add(symbol)
        try:
            _, created = follow(user, Follow.TICKER, symbol)
        except FollowLimit as exc:
            left = len(body) - (number - start - 1)
            result.skipped.append((number, cell[:60], f"{exc} This row and the {left - 1} after it were not imported."))
            break
        except FollowError as exc:
            result.skipped.append((number, cell[:60], str(exc)))
            continue
        (result.added if created else result.already).append(symbol)
    return result
