"""Comment Markdown: a safe subset rendered once, on save, then sanitised with nh3."""
import nh3
from markdown_it import MarkdownIt

# CommonMark without raw HTML; tables, images and headings are not comment material.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(
    ["image", "heading", "lheading", "html_block", "html_inline"])
COMMENT_TAGS = {"p", "br", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "hr", "del"}


def render_markdown(text: str) -> str:
    """Return a comment's Markdown as sanitised HTML; links get rel="nofollow ugc noopener"."""
    return nh3.clean(
        _md.render(text),
        tags=COMMENT_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener",
    )
