"""The one way articles, outlets and disclaimers are written: `store_article()`."""
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from parley.articles.cleaning import (
    fold_title,
    html_to_paragraphs,
    lead_of,
    normalize_space,
    normalize_url,
    paragraphs_to_html,
    sanitize_html,
    sha256,
    storable,
)
from parley.articles.models import Article, Disclaimer, Outlet, Tombstone

log = logging.getLogger("parley.articles")

IMPORTED, UPDATED, UNCHANGED, SKIPPED = "imported", "updated", "unchanged", "skipped"
# A date further ahead than this is a publisher's error (or a trick to stay on top): treated as unknown.
FUTURE_LIMIT = timedelta(days=1)
# Two writers storing the same new article at once: the loser retries and finds the winner's row.
CONFLICT_RETRIES = 3


class ArticleRejected(ValueError):
    """An article draft that cannot be stored, with the reason in plain words."""


@dataclass
class ArticleDraft:
    """An article as a reader or importer found it, before cleaning and dedupe.

    Give the body either as plain-text `paragraphs` or as untrusted `html`.
    """

    title: str
    published_at: datetime
    outlet: str = ""
    paragraphs: list[str] = field(default_factory=list)
    html: str = ""
    byline: str = ""
    url: str = ""
    summary: str = ""
    date_inferred: bool = False
    date_unknown: bool = False  # no readable date: published_at is when it was found (see Article.date_unknown)
    disclaimer: str = ""
    origin: str = ""
    is_sample: bool = False
    entry_id: str = ""  # a feed entry's id, for dedupe within its source
    # False when the link is not the article's own (a feed whose entries all link to its home page):
    # the link is kept to read it at, but the article's identity is its outlet, headline and date.
    link_is_identity: bool = True
    notes: list[str] = field(default_factory=list)  # what a reader changed or dropped, for the operator

    def text_paragraphs(self) -> list[str]:
        """Return the body's plain-text paragraphs, however it was given."""
        return self.paragraphs or html_to_paragraphs(self.html)


@dataclass
class StoreResult:
    status: str
    article: Article | None  # None when skipped: the article was deleted and left a tombstone
    notes: list[str] = field(default_factory=list)  # the draft's notes and the store's own


def clean_draft(draft: ArticleDraft) -> dict:
    """Return the stored fields of a draft, sanitised and normalised; raise ArticleRejected if unusable."""
    title = normalize_space(draft.title).replace("\n", " ")
    published_at = draft.published_at
    if not title:
        raise ArticleRejected("no headline")
    if published_at is None or published_at.tzinfo is None:
        raise ArticleRejected("no publication date with a time zone")
    try:
        published_at.astimezone(UTC)  # what storing it does; an offset past the calendar's ends cannot be stored
    except (OverflowError, ValueError):
        raise ArticleRejected(f"the publication date {published_at.isoformat()[:40]} cannot be stored") from None
    date_inferred, date_unknown = draft.date_inferred, draft.date_unknown
    if dated_ahead(draft):
        published_at, date_inferred, date_unknown = timezone.now(), False, True
    if draft.html:
        body_html = sanitize_html(draft.html)
        paragraphs = html_to_paragraphs(body_html)
    else:
        paragraphs = [p for p in (normalize_space(p) for p in draft.paragraphs) if p]
        body_html = sanitize_html(paragraphs_to_html(paragraphs))
    if not paragraphs:
        if not normalize_url(draft.url):
            raise ArticleRejected("no body text and no link to the article")
        body_html = ""  # a link item: headline, outlet and link, read at the outlet (see Article.is_link_item)
    body_text = "\n\n".join(paragraphs)
    return {
        "title": title[:500],
        "slug": slugify(title)[:200] or "article",
        "byline": normalize_space(draft.byline)[:300],  # normalize_space also drops what cannot be stored
        "url": normalize_url(draft.url) if draft.url else "",
        "published_at": published_at,
        "date_inferred": date_inferred,
        "date_unknown": date_unknown,
        "summary": normalize_space(draft.summary),
        "lead": lead_of(normalize_space(draft.summary), paragraphs),
        "body_html": body_html,
        "body_text": body_text,
        "content_hash": sha256("\x00".join([title, draft.byline, body_text])),
        "origin": storable(draft.origin)[:500],
        "is_sample": draft.is_sample,
        "link_is_identity": draft.link_is_identity,  # for identity_of(); not a stored field
    }


def dated_ahead(draft: ArticleDraft) -> bool:
    """Tell whether a draft's date is more than FUTURE_LIMIT ahead of now (it is then stored as unknown)."""
    try:
        return draft.published_at is not None and draft.published_at > timezone.now() + FUTURE_LIMIT
    except (OverflowError, ValueError, TypeError):  # unusable dates are refused by clean_draft
        return False


def notes_of(draft: ArticleDraft) -> list[str]:
    """Return what the operator should know about how a draft was read and stored."""
    if dated_ahead(draft):
        return [*draft.notes, f"dated {draft.published_at:%Y-%m-%d %H:%M}, more than a day ahead: "
                              "stored as date unknown, sorted by when it was found"]
    return draft.notes


def identity_of(fields: dict, outlet_name: str) -> str:
    """Return the dedupe identity: canonical URL, else outlet + title + day, else the content hash.

    An inferred or unknown date (a page without its year, or without any date) is not part of the identity:
    the same page imported again with another reference date would otherwise become a twin. Such
    articles are one when their outlet, title and words are the same.
    """
    if fields["url"] and fields.get("link_is_identity", True):
        return "url:" + fields["url"]
    if outlet_name and (fields.get("date_inferred") or fields.get("date_unknown")):
        return f"otc:{fold_title(outlet_name)}|{fold_title(fields['title'])}|{fields['content_hash']}"
    if outlet_name:
        day = fields["published_at"].date().isoformat()
        return f"otd:{fold_title(outlet_name)}|{fold_title(fields['title'])}|{day}"
    return "hash:" + fields["content_hash"]


def outlet_named(name: str) -> Outlet:
    """Return the outlet of that name, creating it on first sight."""
    existing = Outlet.objects.filter(name__iexact=name).first()
    if existing:
        return existing
    base = slugify(name)[:190] or "outlet"
    slug, n = base, 1
    while Outlet.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    try:
        with transaction.atomic():
            return Outlet.objects.create(name=name, slug=slug)
    except IntegrityError:
        # Another importer created it between our look and our insert.
        return Outlet.objects.get(name__iexact=name)


def set_disclaimer(outlet: Outlet, text: str) -> None:
    """Keep an outlet's disclaimer as the latest page stated it."""
    text = normalize_space(text)
    if not text:
        return
    Disclaimer.objects.update_or_create(outlet=outlet, defaults={"text": text})


def store_article(draft: ArticleDraft, into: Article | None = None) -> StoreResult:
    """Store one draft as an article, or recognise it as one already stored; all or nothing.

    `into` names the article the draft is a new version of (a source's entry seen before), so an
    edited headline updates it instead of making a second one.
    """
    (result,) = store_articles([draft], [into])
    if isinstance(result, ArticleRejected):
        raise result
    return result


EDITABLE = ("title", "slug", "byline", "summary", "lead", "body_html", "body_text", "content_hash")


def clean_drafts(drafts: list[ArticleDraft]) -> list:
    """Return clean_draft()'s fields, or the ArticleRejected, for each draft: the CPU-heavy half of
    storing (sanitising, paragraphs, hashes), which needs no database and may run in another process."""
    out = []
    for draft in drafts:
        try:
            out.append(clean_draft(draft))
        except ArticleRejected as exc:
            out.append(exc)
    return out


def store_articles(drafts: list[ArticleDraft], into: list[Article | None] | None = None, cleaned: list | None = None) -> list:
    """Store many drafts in one transaction with a handful of queries; return a StoreResult or an
    ArticleRejected for each draft, in order. The same rules as store_article(), for feeds and bulk loads.
    `cleaned` is clean_drafts(drafts) when it was computed elsewhere.
    """
    cleaned = cleaned if cleaned is not None else clean_drafts(drafts)
    for attempt in range(CONFLICT_RETRIES):
        try:
            return _store_articles(drafts, into or [None] * len(drafts), cleaned)
        except IntegrityError:
            # Another writer inserted one of these identities after we looked (PostgreSQL, READ
            # COMMITTED): its row is visible now, so looking again makes ours an update or a no-op.
            if attempt == CONFLICT_RETRIES - 1:
                raise
            log.info("identity conflict while storing %d drafts; looking again", len(drafts))
    raise AssertionError("unreachable")


def _store_articles(drafts: list[ArticleDraft], into: list, cleaned_fields: list) -> list:
    results: list = [None] * len(drafts)
    cleaned = []  # (index, draft, fields, outlet name, identity key, into)
    for n, (draft, target, fields) in enumerate(zip(drafts, into, cleaned_fields, strict=True)):
        if isinstance(fields, ArticleRejected):
            results[n] = fields
            continue
        fields = dict(fields)  # a retry must start from the same fields
        outlet_name = normalize_space(draft.outlet).replace("\n", " ")[:200]
        key = sha256(identity_of(fields, outlet_name))
        fields.pop("link_is_identity", None)
        cleaned.append((n, draft, fields, outlet_name, key, target))
    if not cleaned:
        return results
    with transaction.atomic():
        keys = [c[4] for c in cleaned]
        buried = set(Tombstone.objects.filter(identity_key__in=keys).values_list("identity_key", flat=True))
        by_key = {a.identity_key: a for a in Article.objects.select_for_update().filter(identity_key__in=keys)}
        targets = {t.pk for *_, t in cleaned if t is not None}
        by_pk = Article.objects.select_for_update().in_bulk(list(targets)) if targets else {}
        outlets = {name: outlet_named(name) for name in {c[3] for c in cleaned if c[3]}}
        for outlet_name, draft in {(c[3], c[1].disclaimer) for c in cleaned if c[3] and c[1].disclaimer}:
            set_disclaimer(outlets[outlet_name], draft)
        fresh = []
        for n, _draft, fields, outlet_name, key, target in cleaned:
            existing = by_pk.get(target.pk) if target is not None else by_key.get(key)
            if target is None and key in buried:
                results[n] = StoreResult(SKIPPED, None, notes_of(_draft))
            elif existing is None:
                article = Article(outlet=outlets.get(outlet_name), identity_key=key,
                                  last_activity_at=fields["published_at"], **fields)
                by_key[key] = article  # a second draft of it in this batch is then an update
                fresh.append((n, article))
            elif existing.content_hash == fields["content_hash"]:
                results[n] = StoreResult(UNCHANGED, existing, notes_of(_draft))
            else:
                # Same article, edited since: keep its id, counters and discussion; refresh the content.
                for name in EDITABLE:
                    setattr(existing, name, fields[name])
                if existing.date_unknown and not fields["date_unknown"]:  # a date read at last replaces "unknown"
                    existing.published_at, existing.date_inferred, existing.date_unknown = (
                        fields["published_at"], fields["date_inferred"], False)
                if existing.pk:
                    existing.save()
                results[n] = StoreResult(UPDATED, existing, notes_of(_draft))
        Article.objects.bulk_create([article for _, article in fresh], batch_size=500)
        for n, article in fresh:
            results[n] = StoreResult(IMPORTED, article, notes_of(drafts[n]))
    return results


def delete_article(article: Article) -> None:
    """Delete an article and leave a tombstone, so it is never imported or ingested again."""
    with transaction.atomic():
        Tombstone.objects.get_or_create(identity_key=article.identity_key, defaults={"title": article.title[:500]})
        article.delete()
