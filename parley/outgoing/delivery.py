"""Sending queued mail: claimed with a lease, sent over the configured transport with a deadline,
retried with growing waits, given up on (and logged as an error) after about a day.

A mail server that refuses one recipient fails that mail alone; one that cannot be reached, hangs
or drops the line ends the round, and the rest wait a minute without counting an attempt. Only
the worker's sender thread (and `parley mail send`) call this, so no request ever waits on it.
"""
import logging
import pickle
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import Min, Q
from django.utils import timezone

from parley.core import leases
from parley.outgoing.models import Mail

log = logging.getLogger("parley.outgoing")
# Seconds before attempts 2, 3, ...: a minute, five, half an hour, two hours, six, twelve; then give up.
BACKOFF = (60, 300, 1800, 7200, 21600, 43200)
SERVER_TROUBLE_WAIT = 60  # seconds the rest of a round waits when the server itself failed
BATCH = 50
KEEP_SENT_DAYS = 7
# What one mail's own fault looks like: the server answered, and refused this mail.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def _lease() -> timedelta:
    """How long a taken mail is left alone: the transport's whole deadline, and a margin."""
    return timedelta(seconds=settings.PARLEY_EMAIL_TIMEOUT * 2 + 30)


def claim(limit: int = BATCH) -> list[Mail]:
    """Take up to `limit` due mails; each is taken by one sender only (the due time is the
    update's condition), and comes back by itself if that sender dies."""
    taken = leases.take(Mail.objects.filter(sent_at=None, gave_up_at=None), "next_try_at",
                        _lease().total_seconds(), limit, order_by=("next_try_at",))
    return list(Mail.objects.filter(pk__in=taken).order_by("pk"))


def _failed(mail: Mail, error: Exception) -> None:
    mail.attempts += 1
    mail.last_error = f"{type(error).__name__}: {error}"[:2000]
    now = timezone.now()
    if mail.attempts > len(BACKOFF):
        mail.gave_up_at = now
        log.error("mail %s to %s given up after %d attempts: %s", mail.pk, mail.to, mail.attempts, mail.last_error)
    else:
        mail.next_try_at = now + timedelta(seconds=BACKOFF[mail.attempts - 1])
        log.warning("mail %s to %s failed (attempt %d, next in %ds): %s", mail.pk, mail.to, mail.attempts,
                    BACKOFF[mail.attempts - 1], mail.last_error)
    mail.save(update_fields=["attempts", "last_error", "gave_up_at", "next_try_at"])


def deliver(limit: int = BATCH) -> int:
    """Send the mails due now; return how many were sent."""
    mails = claim(limit)
    if not mails:
        return 0
    sent = 0
    connection = get_connection(settings.PARLEY_MAIL_TRANSPORT)
    try:
        connection.open()
        for n, mail in enumerate(mails):
            try:
                connection.send_messages([pickle.loads(mail.message)])
            except REFUSED as error:
                _failed(mail, error)
                continue
            except Exception as error:  # the server, not the mail: stop talking to it for a while
                _failed(mail, error)
                Mail.objects.filter(pk__in=[m.pk for m in mails[n + 1:]]).update(
                    next_try_at=timezone.now() + timedelta(seconds=SERVER_TROUBLE_WAIT))
                break
            Mail.objects.filter(pk=mail.pk).update(sent_at=timezone.now(), last_error="")
            sent += 1
    except Exception as error:  # could not even connect: every mail taken waits, the first counts it
        _failed(mails[0], error)
        Mail.objects.filter(pk__in=[m.pk for m in mails[1:]]).update(
            next_try_at=timezone.now() + timedelta(seconds=SERVER_TROUBLE_WAIT))
    finally:
        try:
            connection.close()
        except Exception:
            pass
    return sent


def prune() -> int:
    """Forget mails sent more than KEEP_SENT_DAYS ago; failed ones stay for the operator."""
    return Mail.objects.filter(sent_at__lt=timezone.now() - timedelta(days=KEEP_SENT_DAYS)).delete()[0]


def queue_state() -> dict:
    """What readiness and `parley mail` report: mails waiting, the oldest one's age, failures of the last day."""
    now = timezone.now()
    waiting = Mail.objects.filter(sent_at=None, gave_up_at=None)
    oldest = waiting.aggregate(oldest=Min("created_at"))["oldest"]
    return {"waiting": waiting.count(),
            "oldest_seconds": round((now - oldest).total_seconds()) if oldest else 0,
            "retrying": waiting.filter(~Q(attempts=0)).count(),
            "failed_last_day": Mail.objects.filter(gave_up_at__gte=now - timedelta(days=1)).count()}
