"""`parley mail [send|retry]`: what the mail queue holds, send what is due now, or try failed mail again."""
from django.core.management.base import BaseCommand
from django.utils import timezone

from parley.outgoing.delivery import deliver, queue_state
from parley.outgoing.models import Mail

SHOWN = 10


class Command(BaseCommand):
    help = "Show the mail queue; `send` sends what is due now (cron without a worker), `retry` tries failed mail again."

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["status", "send", "retry"], default="status")

    def handle(self, action, **options):
        if action == "send":
            sent = total = deliver()
            while sent:
                sent = deliver()
                total += sent
            self.stdout.write(f"{total} sent")
        elif action == "retry":
            count = Mail.objects.filter(sent_at=None).exclude(gave_up_at=None).update(
                gave_up_at=None, attempts=0, next_try_at=timezone.now())
            self.stdout.write(f"{count} failed mail(s) will be tried again")
        state = queue_state()
        self.stdout.write(f"{state['waiting']} waiting (oldest {state['oldest_seconds']} s, {state['retrying']} being "
                          f"retried), {state['failed_last_day']} given up in the last day")
        for mail in Mail.objects.filter(sent_at=None).exclude(last_error="").order_by("-next_try_at")[:SHOWN]:
            self.stdout.write(f"  {mail.state}: {mail.subject} to {mail.to}, {mail.attempts} attempt(s): {mail.last_error}")
