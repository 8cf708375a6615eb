"""Following, the watchlist, the private feed (link and RSS/Atom), the inbox, reader settings,
e-mail verification, one-click unsubscribe and blocking. Each view parses, calls one service
(follows, preferences, inbox, accounts.mail, accounts.services) and renders; no GET writes.
The my-feed page combines articles with follows and lives in parley/web."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parley.accounts import mail, services
from parley.accounts.models import Profile
from parley.accounts.tokens import LIMITS as TOKEN_LIMITS
from parley.accounts.tokens import tokens_of
from parley.accounts.views import TOKENS_SECTION, safe_next
from parley.articles.paging import id_param, page_number
from parley.following import follows, preferences, symbols, tokens
from parley.following.feed import my_feed
from parley.following.forms import ImportForm, SettingsForm
from parley.following.inbox import describe_all, inbox_page, mark_read, subject_url, target_url
from parley.following.models import Follow, Notification
from parley.following.preferences import preferences_of
from parley.markets.instruments import FUNDS_HINT, funds_loaded

MAX_INBOX_PAGE = 50
PRIVATE_FEED_SIZE = 30
WATCHLIST_HEADINGS = {Follow.TICKER: "Tickers", Follow.PERSON: "People", Follow.TOPIC: "Topics",
                      Follow.OUTLET: "Outlets", Follow.ARTICLE: "Discussions", Follow.STORY: "Stories"}


def _back(request, default="home"):
    return redirect(safe_next(request, default))


@require_POST
def follow(request):
    """Follow what the form names (a button on ticker, person, topic, outlet and article pages)."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?{urlencode({'next': safe_next(request, '/')})}")
    try:
        followed, created = follows.follow(request.user, request.POST.get("kind", ""), request.POST.get("key", ""))
    except follows.FollowError as exc:
        messages.error(request, str(exc))
    else:
        label = follows.describe([(followed.kind, followed.key)])[followed.kind, followed.key].label
        messages.success(request, f"You follow {label}." if created else f"You already follow {label}.")
    return _back(request)


@require_POST
@login_required
def unfollow(request):
    if follows.unfollow(request.user, request.POST.get("kind", ""), request.POST.get("key", "")):
        messages.success(request, "Unfollowed.")
    return _back(request, "watchlist")


@login_required
@require_GET
def watchlist(request):
    """What the reader follows, with what is new since they last marked it seen (a button: a GET,
    which a prefetching browser may send unasked, changes nothing)."""
    prefs = preferences_of(request.user)
    rows = follows.watchlist(request.user, prefs.watchlist_seen_at)
    groups = {}  # tickers first, discussions last
    for kind, heading in WATCHLIST_HEADINGS.items():
        if mine := [row for row in rows if row.kind == kind]:
            groups[heading] = mine
    find = " ".join(request.GET.get("find", "").split())[:40]  # what the add box found nothing for
    return render(request, "following/watchlist.html", {
        "groups": groups, "seen_at": prefs.watchlist_seen_at, "import_form": ImportForm(),
        "limit": follows.MAX_FOLLOWS, "total": len(rows), "find": find,
        "suggestions": symbols.suggest(find) if find else [], "datalist": symbols.datalist(),
        "priced": any(row.quote for row in rows)})


@login_required
@require_POST
def watchlist_add(request):
    """Follow the symbol the add box names (BRK-B, vti, ^GSPC or "Boeing"); when it names none
    exactly, go back to the watchlist with suggestions for what was typed."""
    text = " ".join(request.POST.get("symbol", "").split())[:100]
    if not text:
        messages.error(request, "Type a symbol (BA, BRK-B, VTI, ^GSPC) or a company's name to add it.")
        return redirect("watchlist")
    symbol = symbols.find(text)
    if symbol is None:
        offered = symbols.suggest(text)
        messages.error(request, f"Parley knows no company, ETF, fund or index “{text[:40]}”"
                                + (f"; {len(offered)} near it {'is' if len(offered) == 1 else 'are'} listed below."
                                   if offered else ".") + ("" if funds_loaded() else f" {FUNDS_HINT}"))
        return redirect(f"{reverse('watchlist')}?{urlencode({'find': text[:40]})}#add-symbol")
    try:
        followed, created = follows.follow(request.user, Follow.TICKER, symbol)
    except follows.FollowError as exc:
        messages.error(request, str(exc))
    else:
        label = follows.describe([(followed.kind, followed.key)])[followed.kind, followed.key].label
        messages.success(request, f"You follow {label}." if created else f"You already follow {label}.")
    return redirect("watchlist")


@login_required
@require_POST
def watchlist_seen(request):
    preferences.mark_watchlist_seen(request.user)
    return redirect("watchlist")


@login_required
@require_GET
def watchlist_csv(request):
    response = HttpResponse(follows.export_csv(request.user), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="watchlist.csv"'
    return response


@login_required
@require_POST
def watchlist_import(request):
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a CSV file to import.")
        return redirect("watchlist")
    upload = form.cleaned_data["file"]
    try:
        result = follows.import_csv(request.user, upload.read(follows.MAX_CSV_BYTES + 1), size=upload.size)
    except follows.FollowError as exc:
        messages.error(request, str(exc))
        return redirect("watchlist")
    parts = [f"Followed {len(result.added)} new ticker{'s' if len(result.added) != 1 else ''}"
             + (f" ({', '.join(result.added[:20])}{'…' if len(result.added) > 20 else ''})" if result.added else "")]
    if result.already:
        parts.append(f"{len(result.already)} you already followed")
    if result.repeated:
        parts.append(f"{result.repeated} more row{'s' if result.repeated != 1 else ''} named a ticker again")
    messages.success(request, "; ".join(parts) + ".")
    for number, text, why in result.skipped[:20]:
        messages.warning(request, f"Row {number} skipped (“{text}”): {why}")
    if len(result.skipped) > 20:
        messages.warning(request, f"… and {len(result.skipped) - 20} more rows skipped.")
    return redirect("watchlist")


@login_required
@require_POST
def private_feed_link(request):
    """Create, replace (revoking the old one) or turn off the reader's private feed link."""
    turn_on = request.POST.get("action") != "off"
    preferences.renew_private_feed(request.user, turn_on)
    if turn_on:
        messages.success(request, "Here is your new private feed link. Any link you had before no longer works.")
    else:
        messages.success(request, "Your private feed link is off; the old link no longer works.")
    return redirect("my-feed")


class PrivateFeedRss(Feed):
    """A reader's feed for feed readers, at a secret URL (no session: feed readers have none)."""

    def get_object(self, request, token):
        owner = tokens.feed_owner(token)
        if owner is None:
            raise Http404("This feed link is not valid (it may have been replaced).")
        return owner

    def title(self, obj):
        return f"{settings.PARLEY_SITE_NAME}: news for {obj.username}"

    def link(self, obj):
        return reverse("my-feed")

    def description(self, obj):
        return "Articles about what you follow."

    def items(self, obj):
        return my_feed(obj, size=PRIVATE_FEED_SIZE).rows

    def item_title(self, item):
        return item.article.title

    def item_description(self, item):
        why = ", ".join(label for _, _, label in item.reasons)
        return f"You follow {why}. {item.article.lead}"

    def item_link(self, item):
        return item.article.get_absolute_url()

    def item_pubdate(self, item):
        return item.article.published_at


class PrivateFeedAtom(PrivateFeedRss):
    feed_type = Atom1Feed
    subtitle = "Articles about what you follow."


@login_required
@require_GET
def inbox(request):
    page = page_number(request, MAX_INBOX_PAGE)
    rows, more = inbox_page(request.user, page)
    # A group of new articles opens its first; the ticker's or person's page lists them all.
    notes = [{"note": n, "text": text, "url": reverse("notification-open", args=[n.pk]),
              "all_url": subject_url(n) if n.count > 1 else None}
             for n, text in zip(rows, describe_all(rows), strict=True)]
    return render(request, "following/inbox.html", {"inbox_rows": notes, "page": page, "has_more": more})


@login_required
@require_http_methods(["GET", "POST"])
def open_notification(request, pk):
    """Go where a notification leads; the inbox's button (a POST) also marks it read."""
    note = get_object_or_404(Notification.objects.select_related("article"), pk=pk, user=request.user)
    if request.method == "POST":
        mark_read(request.user, [note.pk])
    return redirect(target_url(note))


@login_required
@require_POST
def read(request):
    """Mark one notification (id=…) or all of them read."""
    ids = None
    if request.POST.get("id"):
        one = id_param(request.POST["id"])
        ids = [one] if one is not None else []
    changed = mark_read(request.user, ids)
    if ids is None:
        messages.success(request, f"Marked {changed} notification{'s' if changed != 1 else ''} read.")
    return _back(request, "inbox")


@login_required
@require_http_methods(["GET", "POST"])
def reader_settings(request):
    """Time zone, e-mail address (confirmed by mail), digest, notifications per kind, blocked readers,
    API tokens (created and revoked by parley.accounts.views)."""
    profile = Profile.objects.filter(user=request.user).first() or Profile(user=request.user)
    prefs = preferences_of(request.user)
    initial = {"time_zone": profile.time_zone, "email": request.user.email, "digest": prefs.digest,
               **{kind: prefs.delivery(kind) for kind in SettingsForm.KINDS}}
    form = SettingsForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sent = preferences.save_settings(
            request.user, digest=data["digest"], deliveries={kind: data[kind] for kind in SettingsForm.KINDS},
            time_zone=data["time_zone"] if "time_zone" in request.POST else None,
            email=data["email"] if form.changes_email() else None)
        messages.success(request, "Settings saved.")
        if sent:
            _say_sent(request)
        return redirect("reader-settings")
    notes = list(messages.get_messages(request))  # the tokens' notes are drawn in their section
    token_notes = [note for note in notes if TOKENS_SECTION in note.extra_tags.split()]
    request.parley_page_notes = [note for note in notes if note not in token_notes]
    return render(request, "following/settings.html", {
        "form": form, "profile": profile, "blocked": services.blocked_by(request.user), "email": request.user.email,
        "tokens": tokens_of(request.user), "token_notes": token_notes, "token_limits": TOKEN_LIMITS},
        status=400 if form.is_bound else 200)  # a refused form says why, beside each field


def _say_sent(request) -> None:
    messages.info(request, f"We sent a confirmation link to {request.user.email}; open it to get digests.")


@login_required
@require_POST
def resend_verification(request):
    profile = Profile.objects.filter(user=request.user).first()
    if not request.user.email:
        messages.error(request, "Add an e-mail address first.")
    elif profile and profile.email_verified:
        messages.info(request, "Your address is already confirmed.")
    else:
        preferences.resend_verification(request.user)
        _say_sent(request)
    return redirect("reader-settings")


@require_http_methods(["GET", "POST"])
def verify_email(request, token):
    """Confirm an address from the link mailed to it (no sign-in needed: the link is signed). GET
    shows one button, so a mail scanner following the link confirms nothing; POST confirms."""
    try:
        data = signing.loads(token, salt=mail.VERIFY_SALT, max_age=mail.VERIFY_DAYS * 86400)
    except signing.SignatureExpired:
        return _message(request, "This link has expired", "Confirmation links last "
                        f"{mail.VERIFY_DAYS} days. Ask for a new one in your settings.", status=410)
    except signing.BadSignature:
        return _message(request, "This link is not valid", "It may have been cut short or changed. "
                        "Copy the whole link from the mail, or ask for a new one in your settings.", status=400)
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    if user is None or (user.email or "").lower() != data.get("e"):
        return _message(request, "This address has changed", "The account no longer uses the address this link "
                        "confirms. Ask for a new link in your settings.", status=410)
    taken = _message(request, "This address belongs to another account", "An address can be confirmed by one "
                     "account only. Use another address in your settings.", status=409)
    if request.method == "GET":
        if mail.taken_by_another(user):
            return taken
        return _message(request, "Confirm your address?", f"Confirm {mail.mask(user.email)} for digests and "
                        "password resets.", form="verify")
    if not services.confirm_address(user):
        return taken
    return _message(request, "Address confirmed", f"{user.email} is confirmed. Digests will reach it.")


def _message(request, title, text, status=200, form=None):
    return render(request, "following/message.html", {"title": title, "text": text, "form": form}, status=status)


@csrf_exempt  # the signed token is the credential; mail clients POST here without a session (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One-click unsubscribe: GET shows one button (link scanners never unsubscribe anyone), POST
    turns every digest off. No sign-in needed."""
    try:
        user = mail.unsubscribe_user(token)
    except signing.SignatureExpired:
        return _message(request, "This link has expired", "Unsubscribe links last "
                        f"{mail.UNSUBSCRIBE_DAYS} days. Sign in to change what we send you in your settings.",
                        status=410)
    except (signing.BadSignature, get_user_model().DoesNotExist):
        return _message(request, "This link is not valid", "It may have been cut short or changed. "
                        "Use the link from the latest mail, or sign in and change your settings.", status=400)
    if request.method == "POST":
        preferences.unsubscribe(user)
        return _message(request, "You are unsubscribed", f"{mail.mask(user.email)} will get no more digests. "
                        "You can turn them on again in your settings.")
    return _message(request, "Stop e-mail from Parley?", f"Stop every digest to {mail.mask(user.email)}.",
                    form="unsubscribe")


@login_required
@require_POST
def block(request, username):
    """Block (or, with action=unblock, unblock) a reader: nothing they write notifies you."""
    other = get_object_or_404(get_user_model(), username=username)
    if request.POST.get("action") == "unblock":
        services.unblock(request.user, other)
        messages.success(request, f"You unblocked {other.username}.")
        return _back(request, "reader-settings")
    try:
        services.block(request.user, other)
    except services.BlockError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"You blocked {other.username}: their replies, mentions and comments no longer "
                         "notify you. They are not told.")
    return _back(request, "reader-settings")
