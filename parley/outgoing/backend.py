"""The e-mail backend every request uses: it puts each message in the `Mail` table and returns at
once. Sign-up, address change and password reset therefore never wait on a mail server and never
fail because one is down; the worker's sender (delivery.py) does the talking, with a deadline,
retries and a recorded error. PARLEY_EMAIL_URL names the transport the sender uses."""
import pickle

from django.core.mail.backends.base import BaseEmailBackend

from parley.outgoing.models import Mail


class QueueBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        rows = [Mail(to=", ".join(m.recipients())[:2000], subject=str(m.subject)[:500],
                     message=pickle.dumps(m, protocol=pickle.HIGHEST_PROTOCOL))
                for m in email_messages if m.recipients()]
        Mail.objects.bulk_create(rows)
        return len(rows)
