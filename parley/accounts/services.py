"""Accounts' writes as services: signing up, confirming an address, blocking another reader. Each
runs in one transaction with its side effects (the confirmation mail is queued in the same one)."""
from django.contrib.auth import get_user_model
from django.db import transaction

from parley.accounts import mail
from parley.accounts.models import Block, Profile


class BlockError(ValueError):
    """A block that cannot be made; the message is for the reader."""


@transaction.atomic
def sign_up(form):
    """Create the account a valid sign-up form describes; queue its confirmation mail when it gave an address."""
    user = form.save()
    if user.email:
        mail.send_verification(user)
    return user


@transaction.atomic
def confirm_address(user) -> bool:
    """Mark the reader's current address confirmed; False (nothing saved) when another account has
    confirmed it first."""
    Profile.objects.get_or_create(user=user)
    profile = Profile.objects.select_for_update().get(user=user)
    if mail.taken_by_another(user):
        return False
    profile.verified_email = user.email
    profile.save(update_fields=["verified_email"])
    return True


def block(blocker, other) -> None:
    """Nothing the blocked reader writes notifies the blocker; they are not told."""
    if other.pk == blocker.pk:
        raise BlockError("You cannot block yourself.")
    Block.objects.get_or_create(blocker=blocker, blocked=other)


def unblock(blocker, other) -> None:
    Block.objects.filter(blocker=blocker, blocked=other).delete()


def blocked_by(user) -> list:
    """The readers this one blocks, by name."""
    return list(get_user_model().objects.filter(
        pk__in=Block.objects.filter(blocker=user).values("blocked_id")).order_by("username"))
