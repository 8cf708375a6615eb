"""Parley's own mail: e-mail verification and digests. Every mail carries a signed one-click
unsubscribe link (no sign-in needed) and the List-Unsubscribe headers (RFC 2369, RFC 8058);
only a verified address gets any."""
import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from parley.accounts.models import Profile
from parley.accounts.ratelimit import Limit, RateLimited, hit

log = logging.getLogger("parley.following")

UNSUBSCRIBE_SALT = "parley.following.unsubscribe"
UNSUBSCRIBE_DAYS = 90  # older links say so and point to the settings page
VERIFY_SALT = "parley.following.verify"
VERIFY_DAYS = 3
# Confirmation mails one address receives an hour, whichever accounts ask: a flood of sign-ups naming
# one victim's address sends them three, not thirty.
MAILS_PER_ADDRESS = Limit(3, 3600, "3 confirmation mails an hour to one address")


def absolute(path: str) -> str:
    return settings.PARLEY_SITE_URL + path


# -- signed links ------------------------------------------------------------------------

def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_user(token: str):
    """The user an unsubscribe link names; raises signing.SignatureExpired or signing.BadSignature."""
    from django.contrib.auth.models import User

    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_DAYS * 86400)
    return User.objects.get(pk=data["u"])


def verify_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=VERIFY_SALT)


# -- sending -----------------------------------------------------------------------------

def can_mail(user) -> bool:
    """Only to an active reader's verified address."""
    if not user.is_active or not user.email:
        return False
    try:
        return user.profile.email_verified  # loaded with the user by digests
    except Profile.DoesNotExist:
        return False


def _message(to: str, subject: str, template: str, context: dict, headers: dict) -> EmailMultiAlternatives:
    """A mail whose two parts both come from templates: mail/<template>.txt and mail/<template>.html."""
    context = {**context, "site_name": settings.PARLEY_SITE_NAME, "absolute": absolute}
    message = EmailMultiAlternatives(f"{subject} · {settings.PARLEY_SITE_NAME}",
                                     render_to_string(f"mail/{template}.txt", context), to=[to],
                                     headers={"Auto-Submitted": "auto-generated", **headers})
    message.attach_alternative(render_to_string(f"mail/{template}.html", context), "text/html")
    return message


def message_to(user, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    """One mail to a reader, with the unsubscribe link and headers, made and not sent (`parley
    digest --dry-run` prints it)."""
    unsubscribe = absolute(reverse("unsubscribe", args=[unsubscribe_token(user)]))
    context = {**context, "user": user, "unsubscribe_url": unsubscribe, "settings_url": absolute(reverse("reader-settings"))}
    return _message(user.email, subject, template, context, {
        "List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})


def send(user, subject: str, template: str, context: dict, *, verified_only: bool = True) -> bool:
    """Send one mail to a reader, with the unsubscribe link and headers; return whether it was sent."""
    if verified_only and not can_mail(user):
        return False
    message_to(user, subject, template, context).send()
    return True


def taken_by_another(user) -> bool:
    """Whether another account has already confirmed this reader's address."""
    return Profile.objects.filter(verified_email__iexact=user.email).exclude(user=user).exists()


def mask(address: str) -> str:
    """"alice@example.com" as "a***@example.com": enough for its owner to recognise."""
    name, _, domain = address.partition("@")
    return f"{name[:1]}***@{domain}" if domain else "your address"


def send_address_changed(user, previous: str) -> None:
    """Tell the confirmed address an account just left that it has a new one (masked), so an owner
    whose session was stolen learns of it, and how to take the account back: password resets still
    go to the address they confirmed, and a new password signs out every other session."""
    _message(previous, "Your e-mail address was changed", "address_changed", {
        "user": user, "new": mask(user.email) if user.email else "no address",
        "reset_url": absolute(reverse("password_reset"))}, {}).send()


def send_verification(user) -> bool:
    """Mail a reader the link that proves their address is theirs. Not to an address another
    account has confirmed, nor past MAILS_PER_ADDRESS an hour to one address whichever accounts name
    it: the page says the same either way, so it tells nobody whose it is or that it was flooded."""
    if not user.email or taken_by_another(user):
        return False
    try:
        hit("verify-to", user.email.strip().lower(), MAILS_PER_ADDRESS)
    except RateLimited:
        log.warning("confirmation mail to an address named too often this hour not sent (account %s)", user.pk)
        return False
    link = absolute(reverse("verify-email", args=[verify_token(user)]))
    return send(user, "Confirm your e-mail address", "verify", {"link": link, "days": VERIFY_DAYS}, verified_only=False)
