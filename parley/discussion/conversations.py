"""Conversations per ticker (Yahoo Finance's conversations, Stocktwits' streams): the readers' own
discussion on a company's page, and the latest comments anywhere that name the company as $TICKER.

A company's conversation is threaded, counted, ranked in Most Discussed and moderated exactly as an
article's discussion is, because it is one: its comments hang on an Article row that carries only
the conversation (`Article.conversation` = the symbol), made when the first comment is posted and
never listed as news (`Article.objects` leaves it out)."""
from django.db import IntegrityError, transaction
from django.utils import timezone

from parley.articles.models import Article
from parley.discussion.models import Comment, TickerMention

STREAM_SIZE = 10  # comments naming the company that its page shows


def conversation_of(symbol: str) -> Article | None:
    """The row carrying the company's conversation, or None while nobody has written in it."""
    return Article.with_conversations.filter(conversation=symbol).first()


def start_conversation(symbol: str, name: str) -> Article:
    """The company's conversation row, made now if it is the first comment (two first comments at
    once make one row)."""
    found = conversation_of(symbol)
    if found is not None:
        return found
    now = timezone.now()
    try:
        with transaction.atomic():
            return Article.with_conversations.create(
                conversation=symbol, title=f"Readers on {name} (${symbol})"[:500], slug=symbol.lower()[:200],
                published_at=now, last_activity_at=now, identity_key=f"conversation:{symbol}", content_hash="")
    except IntegrityError:
        return Article.with_conversations.get(conversation=symbol)


def record_tickers(comment: Comment, symbols: list[str]) -> None:
    """Keep the comment's $TICKER rows to the symbols its current text names (call in its write's transaction)."""
    TickerMention.objects.filter(comment=comment).exclude(symbol__in=symbols).delete()
    have = set(TickerMention.objects.filter(comment=comment).values_list("symbol", flat=True))
    TickerMention.objects.bulk_create([TickerMention(comment=comment, symbol=s, created_at=comment.created_at)
                                       for s in symbols if s not in have])


def naming(symbol: str, limit: int = STREAM_SIZE, leave_out: int | None = None) -> list[Comment]:
    """The latest visible comments that name $symbol, newest first, each with its author and article
    (outside `leave_out`: the company's own conversation, which its page shows whole)."""
    rows = (TickerMention.objects.filter(symbol=symbol, comment__is_deleted=False, comment__is_hidden=False)
            .order_by("-created_at", "-comment_id"))
    if leave_out is not None:
        rows = rows.exclude(comment__article_id=leave_out)
    ids = list(rows.values_list("comment_id", flat=True)[:limit])
    found = Comment.objects.select_related("author", "article__outlet").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
