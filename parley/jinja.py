"""The Jinja2 environment of Parley's pages.

Pages use Jinja2 rather than Django's template language because it renders listings about three
times faster (measured with bench/serve.py); the admin keeps Django's templates.
"""
from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import Environment, select_autoescape
from markupsafe import Markup, escape

from parley.articles.cleaning import domain_of
from parley.discussion.mentions import profile_url


def time_tag(value, with_time=True):
    """Return <time datetime="ISO" data-relative>Nov 25, 2025, 14:05 UTC</time> in the reader's zone.

    static/parley/time.js turns recent times into "2 hours ago" in the browser (so cached pages
    never go stale), keeping the exact time as the title; without script the exact time stays.
    A date without a clock time (with_time=False) is shown as a day and never made relative.
    """
    if not value:
        return ""
    local = timezone.localtime(value)
    day = f"{local:%b} {local.day}, {local.year}"
    if not with_time:
        return Markup(f'<time datetime="{value:%Y-%m-%d}">{day}</time>')
    return Markup(f'<time datetime="{local.isoformat()}" data-relative>{day}, {local:%H:%M} {local.tzname()}</time>')


def date_only(value) -> bool:
    """Tell whether a stored time carries no clock time: date-only sources are stored at 00:00:00 UTC."""
    return value is not None and (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0) \
        and value.utcoffset().total_seconds() == 0


def published_tag(article):
    """An article's date as lists and pages show it: no clock time for a date-only article, a
    badge when the date (or its year) was inferred rather than read, and "date unknown" (with the
    day it was found) when no date could be read."""
    if getattr(article, "date_unknown", False):
        found = timezone.localtime(article.published_at)
        return Markup('<span class="badge unknown" title="The source gave no date Parley could read; '
                      f'found {found.day} {found:%b %Y}.">date unknown</span>')
    shown = time_tag(article.published_at, with_time=not date_only(article.published_at))
    if article.date_inferred:
        shown += Markup(' <span class="badge inferred" title="The page gave no full date; Parley inferred it.">'
                        'date inferred</span>')
    return shown


def source_tag(article, link: bool = True, css: str = ""):
    """Where an article comes from, as lists and pages show it: its outlet (a link to the outlet's
    page), else the domain of its address, else nothing (so no separator dangles)."""
    outlet = getattr(article, "outlet", None) if getattr(article, "outlet_id", None) else None
    cls = f' class="{css}"' if css else ""
    if outlet is not None:
        name = escape(outlet.name)
        return Markup(f'<a{cls} href="{outlet.get_absolute_url()}">{name}</a>' if link else f"<span{cls}>{name}</span>")
    domain = domain_of(getattr(article, "url", "") or "")
    return Markup(f'<span class="domain">{escape(domain)}</span>') if domain else Markup("")


def page_notes(request):
    """The messages for the top of the page: those a thread did not draw beside a comment
    (parley.web.threads.place_notes), or all of them on pages without a thread."""
    placed = getattr(request, "parley_page_notes", None)
    return placed if placed is not None else list(get_messages(request))


def url(name, *args, **kwargs):
    """Return the path of a named route."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def site(request):
    """The site's name for every page, read per request (a context value wins over Django's auth
    views, which pass the request's host as `site_name`)."""
    return {"SITE_NAME": settings.PARLEY_SITE_NAME}


def environment(**options):
    """Return the Jinja2 environment with Parley's globals and filters."""
    # Everything is escaped but the plain-text parts of mails (mail/*.txt), which are not HTML.
    options["autoescape"] = select_autoescape(disabled_extensions=("txt",), default=True, default_for_string=True)
    env = Environment(**options)
    env.globals.update(static=static, url=url, messages=page_notes, profile_url=profile_url)
    env.filters.update(time_tag=time_tag, published_tag=published_tag, source_tag=source_tag)
    return env
