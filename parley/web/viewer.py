"""Who is looking: the per-request viewer state every page shows (signed in or not, moderator or not,
the inbox badge, a suspension), computed once per request in Python before any template renders.

Templates read `viewer` (put in every Jinja context by `context`) and never ask the database
themselves; a view that needs the same facts calls `viewer_of(request)` and gets the same object.
"""
from dataclasses import dataclass

from parley.discussion.services import is_moderator
from parley.following.follows import is_following
from parley.following.inbox import UNREAD_CAP, unread_count


@dataclass(frozen=True)
class Viewer:
    signed_in: bool
    moderates: bool
    unread: str  # the inbox badge: "" for none, else the count ("99+" past the cap)
    suspension: str | None  # the moderators' reason when the reader is suspended


ANONYMOUS = Viewer(signed_in=False, moderates=False, unread="", suspension=None)


def viewer_of(request) -> Viewer:
    """The viewer of this request, computed on first use and kept on the request."""
    found = getattr(request, "_parley_viewer", None)
    if found is None:
        found = request._parley_viewer = _compute(request.user)
    return found


def _compute(user) -> Viewer:
    if not user.is_authenticated:
        return ANONYMOUS
    n = unread_count(user)
    profile = getattr(user, "profile", None)
    suspended = profile is not None and profile.is_suspended
    return Viewer(signed_in=True, moderates=is_moderator(user),
                  unread="" if not n else f"{UNREAD_CAP}+" if n > UNREAD_CAP else str(n),
                  suspension=(profile.suspended_reason or "No reason was given.") if suspended else None)


def context(request) -> dict:
    """Jinja context processor: `viewer` on every page. A bare page (the 400, 500 and 503 pages, which
    must draw without the database, mark the request `parley_bare`) and a request the authentication
    middleware never saw get the anonymous viewer, asking nothing."""
    if getattr(request, "parley_bare", False) or not hasattr(request, "user"):
        return {"viewer": ANONYMOUS}
    return {"viewer": viewer_of(request)}


def follow_button(request, kind: str, key: str, label: str) -> dict:
    """What following/_follow.html shows for one thing a reader can follow (asked here, not by the template)."""
    user = request.user
    return {"kind": kind, "key": key, "label": label, "on": bool(user.is_authenticated) and is_following(user, kind, key)}
