"""A reader's profile (suspension state) and API tokens."""
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError, models, transaction
from django.utils import timezone

from parley.accounts.confusables import name_skeletons
from parley.accounts.ratelimit import account_key

LAST_USED_PRECISION = timedelta(hours=1)


class Profile(models.Model):
    """What Parley keeps about a reader beyond Django's user."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_reason = models.TextField(blank=True)
    time_zone = models.CharField(max_length=64, blank=True,
                                 help_text="An IANA zone name for the dates this reader sees; empty: the site's.")
    # `parley demo` makes its invented readers with this set, so `parley demo --remove` takes them
    # away and never a real reader who happens to share a name.
    is_sample = models.BooleanField(default=False, db_default=False, help_text="A reader invented by the demo.")

    verified_email = models.EmailField(blank=True, db_default="", default="",
                                       help_text="The address this reader proved is theirs; mail goes only to it.")
    # Kept by a signal from the username: SQLite's LOWER() and LIKE fold ASCII only, so "@émile" finds
    # "Émile" on both databases only by comparing keys folded here. Case folding at most triples a name.
    username_key = models.CharField(max_length=450, blank=True, db_default="", default="", db_index=True,
                                    help_text="The username case-folded (NFKC), as mentions look it up.")
    # Look-alike names are refused at sign-up by an indexed lookup of these (see confusables.py).
    username_skeleton = models.CharField(max_length=64, blank=True, db_default="", default="", db_index=True,
                                         help_text="Digest of the username's TR39 skeleton, case-folded first.")
    username_shown_skeleton = models.CharField(max_length=64, blank=True, db_default="", default="", db_index=True,
                                               help_text="Digest of the username's TR39 skeleton, as shown.")

    def __str__(self):
        return f"Profile of {self.user}"

    @staticmethod
    def keys_for(username: str) -> dict:
        """The profile's fields derived from a username."""
        folded, shown = name_skeletons(username)
        return {"username_key": account_key(username), "username_skeleton": folded, "username_shown_skeleton": shown}

    @property
    def email_verified(self) -> bool:
        """Whether the account's current address is the one verified (a changed address is not)."""
        return bool(self.verified_email) and self.verified_email.lower() == (self.user.email or "").lower()

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None


class ApiToken(models.Model):
    """A bearer token for the API; only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="API token")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.name} of {self.user}"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str = "API token") -> tuple["ApiToken", str]:
        """Create a token and return it with its key, which is shown once and never stored."""
        key = "pt_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, key_hash=cls.hash(key)), key

    @classmethod
    def user_for(cls, key: str):
        """Return the active user a key belongs to, or None."""
        token = cls.objects.select_related("user").filter(key_hash=cls.hash(key), user__is_active=True).first()
        if token is None:
            return None
        now = timezone.now()
        # Recording every use would make every API read a database write; once an hour says enough.
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            try:
                with transaction.atomic():  # a savepoint: a failure here leaves any outer transaction usable
                    cls.objects.filter(pk=token.pk).update(last_used_at=now)
            except OperationalError:
                # The database is busy (SQLite's writer lock held by others): when a token was last
                # used is a hint for its owner, never a reason to refuse the request; the next use records it.
                pass
        return token.user


class RateSlot(models.Model):
    """One counted attempt of a rate limit, held until it expires (see `ratelimit.py`).

    A table of its own, not a cache: a cache may evict entries to make room (Django's database
    cache deletes a third of all keys past 300), and an evicted counter is a fresh budget.
    """

    key = models.CharField(max_length=80, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key} until {self.expires_at:%H:%M:%S}"


class Block(models.Model):
    """A reader who does not want to hear from another: no notification from them reaches the blocker."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="one_block_per_pair")]

    def __str__(self):
        return f"{self.blocker_id} blocks {self.blocked_id}"
