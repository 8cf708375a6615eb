"""Mail waiting to be sent: every mail Parley sends is a row here first (see backend.py)."""
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Mail(models.Model):
    created_at = models.DateTimeField(default=timezone.now)
    to = models.TextField(help_text="The recipients, for operators; the message itself holds them too.")
    subject = models.TextField()
    message = models.BinaryField(help_text="The Django EmailMessage, pickled by Parley itself.")
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the next attempt is due; a sender that takes the mail moves it a lease ahead, so a sender
    # that dies mid-conversation leaves the mail due again once the lease has passed.
    next_try_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["next_try_at"], condition=Q(sent_at=None, gave_up_at=None), name="mail_due"),
            models.Index(fields=["created_at"], name="mail_created"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        if self.gave_up_at:
            return "failed"
        return "waiting" if self.attempts == 0 else "retrying"
