"""Most Discussed: which discussions readers are arguing about right now. A discussion is an
article's, or a story's (every report of one event: parley.discussion.threads.discussions_of), so
one event's ten articles take one place, under the story's first report.

The formula, for a window W (24 hours by default, or 7 days):

    score(discussion) = sum over counted comments c of 0.5 ** (age(c) / H),  H = W / 4

- only visible comments posted inside W count (hidden and deleted ones are taken out when hidden
  or deleted);
- each participant counts for at most MAX_PER_PARTICIPANT comments per discussion per window
  (their most recent ones), so one reader arguing with themselves cannot lift an article;
- a comment's weight halves every H (6 hours in a 24-hour window, 42 hours in a 7-day one), so
  what is discussed now outranks what was discussed this morning;
- ties are broken by the latest comment, then by the newer article.

Ages are measured from the middle of the hour a comment was posted in (comments are counted in
hourly Participation buckets); a comment in the first half of the current hour has a negative age
and weighs slightly more than 1. Ages are never clamped: every weight then decays at exactly the
same rate, which is what makes a stored score an upper bound of every later one.

Cost: every comment write stores the discussion's exact score as a Heat row of its lead article
(log2, moved to a fixed epoch, so all rows decay alike); a change of a story's articles does too,
and a row whose article no longer leads its discussion is skipped. Ranking reads the K hottest rows by index, recomputes those K
articles exactly, and stops once the tenth exact score is at least the best heat left unread:
exact scores can only be lower than heat (comments leave the window, never join it), so nothing
unread can beat it. Rows whose heat is below the weight of the oldest comment a window can count
cannot hold a score at all: the loop stops at them, and `prune_heat()` (run by the worker) deletes
them. It reads neither the comments nor the archive.
"""
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

from parley.articles.models import Article
from parley.discussion.models import Heat, Participation
from parley.discussion.threads import discussions_of

WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7)}
DEFAULT_WINDOW = "24h"
MAX_PER_PARTICIPANT = 3
HALF_LIFE_SHARE = 4  # H = W / 4
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
FIRST_CANDIDATES = 40
# Every page shows the box; recomputing it once per this many seconds is plenty.
BOX_CACHE_SECONDS = 15


@dataclass
class Discussed:
    article: Article
    score: float
    comments: int  # visible comments in the window
    participants: int
    last_at: datetime
    window: str
    reports: int = 1  # how many articles the discussion spans (a story's reports)
    counted: int = 0  # the comments that count: at most MAX_PER_PARTICIPANT of each participant's
    middle_at: datetime | None = None  # half of the comments were written by then, half after
    now: datetime | None = None  # when it was ranked

    @property
    def explanation(self) -> str:
        """Return e.g. "14 comments from 9 people in the last 24 hours"."""
        span = "24 hours" if self.window == "24h" else "7 days"
        on = f" on {self.reports} reports" if self.reports > 1 else ""
        return (f"{self.comments} comment{'' if self.comments == 1 else 's'} from {self.participants} "
                f"{'person' if self.participants == 1 else 'people'}{on} in the last {span}")

    @property
    def reason(self) -> str:
        """Why it ranks where it does, in a reader's words: how many, from how many people, and when
        (what sets the weight): "12 comments from 7 people, mostly 2 days ago" ranks below "5
        comments from 4 people, mostly in the last hour"."""
        on = f" on {self.reports} reports" if self.reports > 1 else ""
        words = (f"{self.comments} comment{'' if self.comments == 1 else 's'} from {self.participants} "
                 f"{'person' if self.participants == 1 else 'people'}{on}")
        if self.middle_at is not None and self.now is not None:
            words += ", " + ("" if self.comments == 1 else "mostly ") + ago(self.now - self.middle_at)
        if 0 < self.counted < self.comments:
            words += f" (at most {MAX_PER_PARTICIPANT} from each person count)"
        return words

    @property
    def half_life(self) -> str:
        """How long a comment takes to count half, in words ("6 hours")."""
        return span_words(timedelta(seconds=_half_life(self.window)))


def span_words(span: timedelta) -> str:
    """A span in whole hours or days: "6 hours", "42 hours", "2 days"."""
    hours = round(span.total_seconds() / 3600)
    if hours >= 48:
        days = round(hours / 24)
        return f"{days} days"
    return f"{hours} hour{'' if hours == 1 else 's'}"


def ago(age: timedelta) -> str:
    """How long ago, as a reader says it: "in the last hour", "5 hours ago", "yesterday", "3 days ago"."""
    hours = age.total_seconds() / 3600
    if hours < 1:
        return "in the last hour"
    if hours < 36:
        whole = round(hours)
        return "an hour ago" if whole == 1 else f"{whole} hours ago"
    return f"{round(hours / 24)} days ago"


def _half_life(window: str) -> float:
    return WINDOWS[window].total_seconds() / HALF_LIFE_SHARE


def scores(window: str = DEFAULT_WINDOW, now: datetime | None = None, article_ids=None,
           lead: dict[int, int] | None = None) -> dict[int, tuple[float, int, int, datetime, int, datetime]]:
    """Return {article_id: (score, comments, participants, last_at, counted, middle_at)} of articles
    discussed in the window (counted: the comments within each participant's allowance; middle_at:
    the middle of the hour by which half the comments were written); with `lead` ({article id: its
    discussion's lead}), one entry per discussion, by lead."""
    lead = lead or {}
    now = now or timezone.now()
    span, half_life = WINDOWS[window], _half_life(window)
    rows = Participation.objects.filter(hour__gte=(now - span).replace(minute=0, second=0, microsecond=0),
                                        comments__gt=0)
    if article_ids is not None:
        rows = rows.filter(article_id__in=list(article_ids))
    per_person = defaultdict(list)  # (article, user) -> [(hour, comments, last_at)]
    for article_id, user_id, hour, comments, last_at in rows.values_list(
            "article_id", "user_id", "hour", "comments", "last_at").iterator(chunk_size=5000):
        if now - span <= last_at <= now:
            per_person[(lead.get(article_id, article_id), user_id)].append((hour, comments, last_at))
    totals: dict[int, list] = {}
    hours: dict[int, dict[datetime, int]] = defaultdict(lambda: defaultdict(int))  # comments per hour
    for (article_id, _user), buckets in per_person.items():
        buckets.sort(reverse=True)
        remaining, weight = MAX_PER_PARTICIPANT, 0.0
        for hour, comments, _last in buckets:
            taken = min(comments, remaining)
            age = (now - hour).total_seconds() - 1800
            weight += taken * math.pow(0.5, age / half_life)
            remaining -= taken
            if not remaining:
                break
        for hour, comments, _last in buckets:
            hours[article_id][hour] += comments
        entry = totals.setdefault(article_id, [0.0, 0, 0, buckets[0][2], 0])
        entry[0] += weight
        entry[1] += sum(c for _h, c, _l in buckets)
        entry[2] += 1
        entry[3] = max(entry[3], max(last for _h, _c, last in buckets))
        entry[4] += MAX_PER_PARTICIPANT - remaining
    return {k: (*v, _middle(hours[k], v[1])) for k, v in totals.items()}


def _middle(per_hour: dict[datetime, int], comments: int) -> datetime:
    """The middle of the hour by which half of `comments` had been written (no later than the last)."""
    seen = 0
    for hour in sorted(per_hour):
        seen += per_hour[hour]
        if 2 * seen >= comments:
            return hour + timedelta(minutes=30)
    return max(per_hour) + timedelta(minutes=30)


def _least_log_weight(window: str) -> float:
    """Return log2 of the least weight a counted comment can have: its bucket's hour starts at most
    an hour before the window does, so its age is under the window plus half an hour."""
    return -(WINDOWS[window].total_seconds() + 3600) / _half_life(window)


def prune_heat(now: datetime | None = None) -> int:
    """Delete Heat rows too cold to hold any score (their articles have no comment left in the window)."""
    now = now or timezone.now()
    gone = 0
    for window in WINDOWS:
        shift = (now - EPOCH).total_seconds() / _half_life(window)
        gone += Heat.objects.filter(window=window, log_heat__lt=shift + _least_log_weight(window)).delete()[0]
    return gone


def _log_heat(score: float, now: datetime, window: str) -> float:
    return math.log2(score) + (now - EPOCH).total_seconds() / _half_life(window)


def refresh_heat(article_id: int, now: datetime | None = None) -> None:
    """Store the exact score of the article's discussion in every window, on the discussion's lead
    (its other articles hold none); call inside the write's transaction, and after a story's
    articles change."""
    now = now or timezone.now()
    discussion = discussions_of([article_id])[article_id]
    Heat.objects.filter(article_id__in=[pk for pk in discussion.articles if pk != discussion.lead]).delete()
    lead = dict.fromkeys(discussion.articles, discussion.lead)
    for window in WINDOWS:
        found = scores(window, now, discussion.articles, lead).get(discussion.lead)
        if found and found[0] > 0:
            Heat.objects.update_or_create(article_id=discussion.lead, window=window,
                                          defaults={"log_heat": _log_heat(found[0], now, window)})
        else:
            Heat.objects.filter(article_id=discussion.lead, window=window).delete()


def rebuild_heat(now: datetime | None = None) -> None:
    """Recompute every Heat row from the participation buckets (for `parley recount`)."""
    now = now or timezone.now()
    Heat.objects.all().delete()
    for window in WINDOWS:
        discussed = scores(window, now)
        lead = {pk: d.lead for pk, d in discussions_of(discussed).items()}
        Heat.objects.bulk_create([Heat(article_id=pk, window=window, log_heat=_log_heat(v[0], now, window))
                                  for pk, v in scores(window, now, lead=lead).items() if v[0] > 0], batch_size=2000)


def most_discussed(window: str = DEFAULT_WINDOW, limit: int = 10, now: datetime | None = None) -> list[Discussed]:
    """Return the top articles of the window, best first, each able to explain its place."""
    now = now or timezone.now()
    shift = (now - EPOCH).total_seconds() / _half_life(window)
    k = max(FIRST_CANDIDATES, limit * 4)
    while True:
        hot = list(Heat.objects.filter(window=window).order_by("-log_heat").values_list("article_id", "log_heat")[:k + 1])
        discussions = discussions_of(pk for pk, _ in hot[:k])
        leading = [d for pk, d in discussions.items() if d.lead == pk]  # a row of a former lead is stale
        lead = {article: d.lead for d in leading for article in d.articles}
        exact = scores(window, now, list(lead), lead)
        ranked = sorted(exact.items(), key=lambda kv: (kv[1][0], kv[1][3], kv[0]), reverse=True)[:limit]
        unread = hot[k][1] - shift if len(hot) > k else None
        if unread is None or unread < _least_log_weight(window):  # nothing unread can hold a score
            break
        # Strictly above, with room for rounding: an unread article with an equal score could still
        # win the tie-break (latest comment), so a tie means reading on.
        if len(ranked) == limit and ranked[-1][1][0] > 2 ** unread * (1 + 1e-9):
            break
        k *= 4
    articles = Article.with_conversations.select_related("outlet").in_bulk([pk for pk, _ in ranked])
    return [Discussed(articles[pk], score, comments, people, last_at, window, len(discussions[pk].articles),
                      counted, min(middle_at, last_at), now)
            for pk, (score, comments, people, last_at, counted, middle_at) in ranked if pk in articles]


def most_discussed_box(window: str = DEFAULT_WINDOW) -> list[Discussed]:
    """Return the top ten for the box every page shows, recomputed at most every BOX_CACHE_SECONDS."""
    key = f"most-discussed:{window}"
    box = cache.get(key)
    if box is None:
        box = most_discussed(window)
        cache.set(key, box, BOX_CACHE_SECONDS)
    return box
