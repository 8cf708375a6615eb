"""`parley digest`: send the e-mail digests that are due. Safe from cron on any number of machines.

Digests go through the mail queue like all mail; where no worker runs, this command also sends
what the queue holds that is due (as `parley mail send` does), so cron alone delivers them."""
from django.core.management.base import BaseCommand

from parley.following.digest import send_due
from parley.outgoing.delivery import deliver


class Command(BaseCommand):
    help = "Send the daily and weekly digests that are due (each reader's digest once, whichever machine runs it)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="Send at most this many (default: all due).")

    def handle(self, *args, limit=None, **options):
        run = send_due(limit=limit)
        self.stdout.write(f"digests: {run.sent} sent, {run.empty} with nothing new, "
                          f"{run.taken_elsewhere} sent by another process, {run.failed} failed")
        mailed = sent = deliver()
        while sent:
            sent = deliver()
            mailed += sent
        self.stdout.write(f"mail: {mailed} sent from the queue")
        for error in run.errors[:20]:
            self.stderr.write(f"failed: {error}")
        if run.failed:
            raise SystemExit(1)
