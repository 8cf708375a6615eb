"""`parley token USERNAME`: issue an API token (shown once)."""
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from parley.accounts.models import ApiToken


class Command(BaseCommand):
    help = "Issue an API bearer token for a user; the key is printed once and only its hash is kept."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="API token")

    def handle(self, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        _, key = ApiToken.issue(user, name)
        self.stdout.write(key)
