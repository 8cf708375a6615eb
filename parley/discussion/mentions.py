"""`@name` and `$TICKER` in comments: found in the rendered text (never inside code or links), linked
to the reader's profile when such a reader exists and to the company's page when the site knows the
symbol, and limited per comment."""
import html
import re
from dataclasses import dataclass, field

from parley.accounts.models import Profile
from parley.accounts.ratelimit import account_key
from parley.articles.models import url_for
from parley.discussion.markdown import render_markdown

# Django user names: letters, digits and @.+-_. A name follows a space or punctuation, never a
# letter (an e-mail address) or a slash (a URL), and does not end with the sentence's full stop.
MENTION = re.compile(r"(?<![\w@/.+-])@([\w][\w.+-]{0,149})")
TAG = re.compile(r"(<[^>]+>)")
SKIP_INSIDE = {"code", "pre", "a"}
MAX_MENTIONS = 10  # distinct names per comment, over all its versions; more is a mass ping, refused with the count
# A cashtag is upper case, as readers write them ($BA, $BRK.B): "$5" is money and "$x" a variable.
CASHTAG = re.compile(r"(?<![\w$])\$([A-Z]{1,5}(?:\.[A-Z]{1,2})?)(?![\w.]*\w)")
MAX_TICKERS = 30  # distinct cashtags per comment; a list of hundreds is spam for every company's stream


def _no_tickers(symbols: set[str]) -> set[str]:
    return set()


_known_tickers = _no_tickers


def recognise_tickers(known) -> None:
    """Let a higher layer (enrichment) say which symbols the site has a company page for: `known`
    takes a set of symbols and returns those it knows. Set once, when the apps are ready."""
    global _known_tickers
    _known_tickers = known


@dataclass
class Rendered:
    html: str
    mentioned: list = field(default_factory=list)  # [(user id, username)] of readers who exist
    unknown: list = field(default_factory=list)  # names no reader has
    keys: list = field(default_factory=list)  # every name's key, known or not (what the limit counts)
    tickers: list = field(default_factory=list)  # the symbols named as $TICKER that the site knows, in order


def profile_url(username: str) -> str:
    """Return a reader's profile path (comment threads print hundreds of these)."""
    return url_for("profile", username)


def _clean(name: str) -> str:
    return name.rstrip(".+-")


def _pieces(rendered_html: str):
    """The HTML cut into tags and text, each text piece said to be outside code and links or not."""
    depth = 0
    for piece in TAG.split(rendered_html):
        if piece.startswith("<"):
            tag = piece.strip("</>").split()[0].lower() if piece.strip("</>") else ""
            if tag in SKIP_INSIDE:
                depth += -1 if piece.startswith("</") else 1
            yield piece, False
        else:
            yield piece, depth <= 0


def names_in(rendered_html: str) -> list[str]:
    """The distinct names mentioned in rendered comment HTML, in order, outside code and links."""
    seen = {}
    for piece, outside in _pieces(rendered_html):
        if outside:
            for match in MENTION.finditer(html.unescape(piece)):
                name = _clean(match.group(1))
                if name:
                    seen.setdefault(account_key(name), name)
    return list(seen.values())


def readers_named(names: list[str]) -> dict[str, tuple[int, str]]:
    """{name key: (id, username)} of the active readers among these names, in any case of any script.

    Matched on the profile's stored key, never the database's LOWER(), which folds only ASCII on
    SQLite. Where two old accounts share a key (told apart by case alone), the older one is named."""
    if not names:
        return {}
    rows = (Profile.objects.filter(username_key__in={account_key(n) for n in names}, user__is_active=True)
            .order_by("user_id").values_list("username_key", "user_id", "user__username"))
    found = {}
    for key, pk, username in rows:
        found.setdefault(key, (pk, username))
    return found


def _outside_code_and_links(rendered_html: str, pattern: re.Pattern, replace) -> str:
    """The HTML with `replace(match)` (HTML) put for each match of `pattern` in its text outside code and links."""
    out = []
    for piece, outside in _pieces(rendered_html):
        if outside and pattern.search(html.unescape(piece)):
            text = html.unescape(piece)
            pos, parts = 0, []
            for match in pattern.finditer(text):
                parts.append(html.escape(text[pos:match.start()], quote=False))
                parts.append(replace(match))
                pos = match.end()
            parts.append(html.escape(text[pos:], quote=False))
            out.append("".join(parts))
        else:
            out.append(piece)
    return "".join(out)


def cashtags_in(rendered_html: str) -> list[str]:
    """The distinct $TICKER symbols in rendered comment HTML, in order, outside code and links."""
    seen = {}
    for piece, outside in _pieces(rendered_html):
        if outside and "$" in piece:
            for match in CASHTAG.finditer(html.unescape(piece)):
                seen.setdefault(match.group(1), None)
    return list(seen)


def _link_tickers(rendered_html: str, known: set[str]) -> str:
    def replace(match):
        symbol = match.group(1)
        if symbol not in known:
            return html.escape(match.group(0), quote=False)
        return f'<a class="cashtag" href="{html.escape(url_for("ticker", symbol))}">${html.escape(symbol)}</a>'

    return _outside_code_and_links(rendered_html, CASHTAG, replace)


def _link(rendered_html: str, known: dict) -> str:
    def replace(match):
        name = _clean(match.group(1))
        found = known.get(account_key(name))
        if not found:
            return html.escape(match.group(0), quote=False)
        rest = match.group(1)[len(name):]
        return (f'<a class="mention" href="{html.escape(profile_url(found[1]))}">@{html.escape(found[1])}</a>'
                + html.escape(rest, quote=False))

    return _outside_code_and_links(rendered_html, MENTION, replace)


class TooManyMentions(ValueError):
    pass


def render_comment(text: str) -> Rendered:
    """Render a comment's Markdown (sanitised) with its mentions of existing readers and of known
    tickers linked.

    Raises TooManyMentions past MAX_MENTIONS distinct names, known or not, or MAX_TICKERS symbols."""
    rendered = render_markdown(text)
    names = names_in(rendered)
    if len(names) > MAX_MENTIONS:
        raise TooManyMentions(f"A comment can mention at most {MAX_MENTIONS} readers (this one mentions {len(names)}).")
    symbols = cashtags_in(rendered)
    if len(symbols) > MAX_TICKERS:
        raise TooManyMentions(f"A comment can name at most {MAX_TICKERS} tickers (this one names {len(symbols)}); "
                              "name the few it is about.")
    known_symbols = _known_tickers(set(symbols)) if symbols else set()
    known = readers_named(names)
    linked = _link(rendered, known) if known else rendered
    return Rendered(
        html=_link_tickers(linked, known_symbols) if known_symbols else linked,
        tickers=[s for s in symbols if s in known_symbols],
        mentioned=[known[account_key(n)] for n in names if account_key(n) in known],
        unknown=[n for n in names if account_key(n) not in known],
        keys=[account_key(n) for n in names])


def mentions_after_edit(before: list[str], rendered: Rendered) -> list[str]:
    """The name keys a comment has mentioned once this edit is saved; raise TooManyMentions past
    MAX_MENTIONS in all, so no series of edits names more readers than one comment may."""
    keys = list(dict.fromkeys([*before, *rendered.keys]))
    if len(keys) > MAX_MENTIONS:
        raise TooManyMentions(f"A comment can mention at most {MAX_MENTIONS} readers in all its versions "
                              f"(this edit would make it {len(keys)}); post a new comment to mention others.")
    return keys
