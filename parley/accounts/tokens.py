"""A reader's own API tokens: issued with a name from the Settings page, listed, revoked. Only each
key's hash is stored (ApiToken); the key itself is shown once, in the answer that created it."""
from django.contrib.auth import get_user_model
from django.db import transaction

from parley.accounts.models import ApiToken

MAX_TOKENS = 20  # one per program or machine is plenty; a cap bounds what a stolen session can mint
MAX_NAME = ApiToken._meta.get_field("name").max_length  # the column's width: a longer name could not be stored
LIMITS = {"count": MAX_TOKENS, "name": MAX_NAME}  # for the pages that say them


class TokenError(ValueError):
    """A token that cannot be made; the message is for the reader."""


def check_name(name: str) -> str:
    """Return the name as stored (trimmed), or raise TokenError saying what is wrong with it."""
    name = (name or "").strip()
    if not name:
        raise TokenError("Give the token a name, such as the program or machine that will use it.")
    if len(name) > MAX_NAME:
        raise TokenError(f"A token's name is at most {MAX_NAME} characters; this one has {len(name):,}.")
    if any(ord(c) < 32 or 0xFFFE <= ord(c) <= 0xFFFF for c in name):
        raise TokenError("A token's name cannot hold control characters; use letters, digits and punctuation.")
    return name


def issue_token(user, name: str) -> tuple[ApiToken, str]:
    """Create a named token for the reader and return it with its key (never stored, shown once);
    raise TokenError for a bad name or when the reader already has MAX_TOKENS."""
    name = check_name(name)
    with transaction.atomic():
        # The reader's row is the lock: two tabs creating at once count one after the other.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS:
            raise TokenError(f"You have {MAX_TOKENS} tokens, the most a reader may have; "
                             "revoke one you no longer use first.")
        return ApiToken.issue(user, name)


def revoke_token(user, token_id: int) -> ApiToken | None:
    """Delete one of the reader's tokens and return it (None when it is not theirs or already gone).
    A request it already authenticated finishes; the next one with its key is refused."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
        if token is not None:
            token.delete()
        return token


def tokens_of(user) -> list[ApiToken]:
    """The reader's tokens, the newest first."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id"))
