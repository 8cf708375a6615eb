"""The reader's own settings as services: every write a reader makes outside following and the inbox
(time zone, address, digests and notification choices, the watchlist's "seen" mark, the private feed
link, unsubscribing). Each locks the row it changes and owns its side effects (the mails); views
parse, call one of these and render. Reading never writes: `preferences_of` returns the defaults
unsaved for a reader who has never changed anything."""
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from parley.accounts import mail
from parley.accounts.models import Profile
from parley.accounts.ratelimit import Limit, check_all
from parley.following.models import Notification, Preferences

VERIFY_MAILS = Limit(3, 3600, "3 confirmation mails an hour")
KINDS = [kind for kind, _ in Notification.KINDS if kind not in Notification.SETTING]  # a setting each


def preferences_of(user) -> Preferences:
    """The reader's preferences, or the defaults (not saved) when there are none yet."""
    return Preferences.objects.filter(user=user).first() or Preferences(user=user)


def _locked(user) -> Preferences:
    Preferences.objects.get_or_create(user=user)
    return Preferences.objects.select_for_update().get(user=user)


@transaction.atomic
def save_settings(user, *, digest: str, deliveries: dict[str, str], time_zone: str | None = None,
                  email: str | None = None) -> bool:
    """Save the settings page. `time_zone` and `email` are None when the form left them alone (an
    empty `email` removes the address). Return whether a confirmation mail was sent. A refused
    confirmation mail (rate limit) raises before anything is saved."""
    profile = Profile.objects.select_for_update().get_or_create(user=user)[0]
    if email:
        check_all([("verify-mail", str(user.pk), VERIFY_MAILS)])
    if time_zone is not None:
        profile.time_zone = time_zone
        profile.save(update_fields=["time_zone"])
    prefs = _locked(user)
    prefs.digest = digest or prefs.digest
    for kind in KINDS:
        setattr(prefs, kind, deliveries.get(kind) or getattr(prefs, kind))
    prefs.save()
    if email is None:
        return False
    previous, previous_confirmed = user.email, profile.email_verified
    user.email = email
    user.save(update_fields=["email"])
    if previous_confirmed:
        mail.send_address_changed(user, previous)
    if email:
        mail.send_verification(user)
    return bool(email)


@transaction.atomic
def resend_verification(user) -> None:
    """Send the confirmation mail again (counted against the same hourly limit)."""
    check_all([("verify-mail", str(user.pk), VERIFY_MAILS)])
    mail.send_verification(user)


def mark_watchlist_seen(user) -> None:
    """From now on the watchlist counts what is new since this moment."""
    Preferences.objects.update_or_create(user=user, defaults={"watchlist_seen_at": timezone.now()})


@transaction.atomic
def renew_private_feed(user, on: bool) -> None:
    """Turn the private feed link on with a new secret (revoking any older link), or off."""
    prefs = _locked(user)
    Preferences.objects.filter(pk=prefs.pk).update(feed_generation=F("feed_generation") + 1, private_feed=on)


def unsubscribe(user) -> None:
    """Turn every digest off (the one-click link in each mail)."""
    Preferences.objects.update_or_create(user=user, defaults={"digest": Preferences.NEVER})
