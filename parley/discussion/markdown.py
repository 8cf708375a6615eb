"""Comment Markdown: a safe subset rendered once, on save, then sanitised with nh3.

What readers expect from a comment box (Hacker News, Reddit, Stocktwits): bare URLs become links
(shown shortened when long), an image is a link to it (never embedded: no tracking pixels, no
surprise pictures), a heading reads as a bold line of its own, lists and quotes render."""
import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

SHOWN_URL_CHARS = 60  # a bare URL longer than this shows shortened (the link keeps it whole)

_md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False}).enable("linkify").disable(
    ["html_block", "html_inline"])
COMMENT_TAGS = {"p", "br", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "hr", "del"}


def _image_as_link(self, tokens, idx, options, env):
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env).strip()
    src = token.attrGet("src") or ""
    label = f"image: {alt}" if alt else "image"
    return f'<a href="{escapeHtml(src)}">[{escapeHtml(label)}]</a>'


def _heading_open(self, tokens, idx, options, env):
    return "<p><strong>"


def _heading_close(self, tokens, idx, options, env):
    return "</strong></p>\n"


def _shorten_bare_urls(state) -> None:
    """Show a long bare URL shortened; its link keeps the whole address."""
    for block in state.tokens:
        children = block.children or []
        for i, token in enumerate(children[:-1]):
            following = children[i + 1]
            if token.type == "link_open" and token.markup == "linkify" and following.type == "text" \
                    and len(following.content) > SHOWN_URL_CHARS:
                following.content = following.content[:SHOWN_URL_CHARS - 1] + "…"


_md.add_render_rule("image", _image_as_link)
_md.add_render_rule("heading_open", _heading_open)
_md.add_render_rule("heading_close", _heading_close)
_md.core.ruler.push("shorten_bare_urls", _shorten_bare_urls)


def render_markdown(text: str) -> str:
    """Return a comment's Markdown as sanitised HTML; links get rel="nofollow ugc noopener"."""
    return nh3.clean(
        _md.render(text),
        tags=COMMENT_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener",
    )
