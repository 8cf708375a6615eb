"""`parley recount`: rebuild comment counters and Most Discussed buckets from the comments."""
from django.core.management.base import BaseCommand

from parley.discussion.services import recount


class Command(BaseCommand):
    help = "Repair articles' comment counters and the participation buckets from the comments themselves."

    def add_arguments(self, parser):
        parser.add_argument("article_ids", nargs="*", type=int, help="Only these articles (default: all).")

    def handle(self, article_ids, **options):
        fixed = recount(article_ids or None)
        self.stdout.write(f"{fixed} article{'s' if fixed != 1 else ''} had wrong counters; all are exact now.")
