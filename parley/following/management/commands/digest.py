"""`parley digest`: send the e-mail digests that are due. Safe from cron on any number of machines.

Digests go through the mail queue like all mail; where no worker runs, this command also sends
what the queue holds that is due (as `parley mail send` does), so cron alone delivers them.
`--dry-run` sends and marks nothing: with `--to NAME` it prints the mail that reader would get now,
without it the readers a run would send to now."""
from datetime import datetime

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parley.following import digest
from parley.outgoing.delivery import deliver

SHOWN = 5  # digests taken by another run listed by name (all of them with -v 2)
DRY_RUN_READERS = 200  # readers a dry run without --to looks at, unless --limit says otherwise


def when(at: datetime, now: datetime) -> str:
    """A moment for an operator: "2026-11-28 07:00:12 UTC (3 hours ago)", in the site's zone."""
    seconds = int((now - at).total_seconds())
    ago = ("just now" if abs(seconds) < 60 else
           f"in {_span(-seconds)}" if seconds < 0 else f"{_span(seconds)} ago")
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M:%S %Z} ({ago})"


def _span(seconds: int) -> str:
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{seconds} seconds"


class Command(BaseCommand):
    help = "Send the daily and weekly digests that are due (each reader's digest once, whichever machine runs it)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="Send at most this many (default: all due).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Send nothing and mark nothing: say what a run would send now.")
        parser.add_argument("--to", metavar="USERNAME",
                            help="With --dry-run: print the digest this reader would get now.")
        parser.add_argument("--part", choices=["both", "text", "html"], default="both",
                            help="With --to: which part of the mail to print (default: both).")

    def handle(self, *args, limit=None, dry_run=False, to=None, part="both", **options):
        verbosity = options.get("verbosity", 1)
        if to is not None and not dry_run:
            raise CommandError("--to works with --dry-run only: a digest is sent when it is due, by whichever "
                               "run takes it first. Try: parley digest --dry-run --to " + to)
        if limit is not None and limit < 0:
            raise CommandError("--limit must be 0 or more.")
        if dry_run:
            if to is not None:
                return self.show_one(to, part)
            return self.show_due(limit if limit is not None else DRY_RUN_READERS)
        now = timezone.now()
        run = digest.send_due(now=now, limit=limit, by=digest.COMMAND)
        if run.sent or run.empty or run.failed or run.taken_elsewhere:
            self.stdout.write(f"digests: {run.sent} sent, {run.empty} with nothing new, "
                              f"{run.taken_elsewhere} sent by another process, {run.failed} failed")
        else:
            self.say_nothing_due(now)
        if verbosity >= 2:
            for line in run.done:
                self.stdout.write(f"  {line}")
        shown = run.elsewhere if verbosity >= 2 else run.elsewhere[:SHOWN]
        for taken in shown:
            self.stdout.write(f"  {taken.user.username}: {self.describe_taken(taken, now)}")
        if len(shown) < len(run.elsewhere):
            self.stdout.write(f"  and {len(run.elsewhere) - len(shown)} more (-v 2 lists them)")
        mailed = sent = deliver()
        while sent:
            sent = deliver()
            mailed += sent
        self.stdout.write(f"mail: {mailed} sent from the queue")
        for error in run.errors[:20]:
            self.stderr.write(f"failed: {error}")
        if run.failed:
            raise SystemExit(1)

    def say_nothing_due(self, now: datetime) -> None:
        """No digest was due: say which runs sent the last ones, when, and when the next is due."""
        senders = digest.recent_senders(now)
        if senders:
            self.stdout.write("digests: none due now; every due digest has been sent. In the last 24 hours:")
            for row in senders:
                self.stdout.write(f"  {row['sent']} sent and {row['empty']} with nothing new by "
                                  f"{row['sent_by'] or 'an earlier version of Parley'}, the last at "
                                  f"{when(row['latest'], now)}")
        else:
            last = digest.last_sent()
            if last is None:
                self.stdout.write("digests: none due now, and none has been sent yet.")
            else:
                self.stdout.write(f"digests: none due now. The last went out at {when(last.sent_at, now)}, "
                                  f"sent by {last.sent_by or 'an earlier version of Parley'}.")
        upcoming = digest.next_due(now)
        if upcoming is not None:
            self.stdout.write(f"  The next is due at {when(upcoming, now)}.")

    @staticmethod
    def describe_taken(taken, now: datetime) -> str:
        """A digest another run has: "the daily digest of 2026-11-28 was sent at … by …"."""
        what, by = digest.period_words(taken.period), taken.sent_by or "an earlier version of Parley"
        if taken.status == taken.SENT:
            return f"{what} was sent at {when(taken.sent_at, now)} by {by}"
        if taken.status == taken.EMPTY:
            return f"{what} had nothing new at {when(taken.sent_at, now)} ({by} looked)"
        if taken.status == taken.FAILED:
            return f"{what} failed ({taken.error[:200]}); {by} tried, and the next run tries again"
        return f"{what} is being sent by {by} (taken at {when(taken.created_at, now)})"

    def show_one(self, username: str, part: str) -> None:
        """Print the digest one reader would get now; send and mark nothing."""
        user = User.objects.select_related("profile").filter(username=username).first()
        if user is None:
            raise CommandError(f"No reader is named {username!r} (usernames are exact, case included).")
        now = timezone.now()
        seen = digest.preview(user, now)
        out = self.stdout.write
        out("Dry run: nothing is sent and nothing is marked.")
        if seen.refused:
            out(f"No digest goes to {user.username}: {seen.refused}. Were one sent, it would hold what follows.")
        elif seen.taken is not None:
            out(f"{user.username}: {self.describe_taken(seen.taken, now)}.")
            if seen.next_at:
                out(f"The next is due at {when(seen.next_at, now)}; so far it would hold what follows.")
        elif seen.next_at:
            out(f"{user.username}'s next digest is due at {when(seen.next_at, now)}; so far it would hold what follows.")
        else:
            out(f"{user.username}'s digest is due now: the next run sends what follows.")
        if seen.message is None:
            out(f"Nothing is new for {user.username} since {when(seen.since, now)}: no mail would be sent.")
            return
        out(f"To: {', '.join(seen.message.to)}")
        out(f"Subject: {seen.message.subject}")
        out(f"Holds: {seen.items} item{'s' if seen.items != 1 else ''} since {when(seen.since, now)}")
        if part in ("both", "text"):
            out("\n--- text part ---")
            out(seen.message.body)
        if part in ("both", "html"):
            out("\n--- HTML part ---")
            out(seen.message.alternatives[0][0])

    def show_due(self, limit: int) -> None:
        """List the readers a run would send a digest to now, and what each would get; mark nothing."""
        now = timezone.now()
        self.stdout.write("Dry run: nothing is sent and nothing is marked. A run now would:")
        mails = looked = 0
        for user in digest.due(now)[:limit]:
            looked += 1
            seen = digest.preview(user, now)
            if seen.refused:
                continue
            if seen.taken is not None:
                self.stdout.write(f"  skip {user.username}: {self.describe_taken(seen.taken, now)}")
            elif seen.message is None:
                self.stdout.write(f"  skip {user.username}: nothing new since {when(seen.since, now)}")
            else:
                mails += 1
                self.stdout.write(f"  send {user.username}: {digest.period_words(seen.period)}, "
                                  f"{seen.items} item{'s' if seen.items != 1 else ''}")
        if not looked:
            self.stdout.write("  send nothing: no digest is due.")
            upcoming = digest.next_due(now)
            if upcoming is not None:
                self.stdout.write(f"  The next is due at {when(upcoming, now)}.")
        self.stdout.write(f"{mails} digest{'s' if mails != 1 else ''} would be sent"
                          + (f" (the first {limit} due readers looked at; --limit N for more)"
                             if looked == limit else "") + ". Try --to USERNAME to read one.")
