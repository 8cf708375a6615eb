"""`parley moderator USERNAME [--remove]`: make a reader a moderator, or no longer one; `parley
moderator` alone lists the moderators."""
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError

from parley.accounts.setup import MODERATORS


class Command(BaseCommand):
    help = ("Make a reader a moderator (a member of the Moderators group: the queue, hide and restore, "
            "suspensions, fact corrections, story merges), or with --remove no longer one; alone, list them.")

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")
        parser.add_argument("--remove", action="store_true", help="Take the reader out of the moderators.")

    def handle(self, username, remove, **options):
        group, _ = Group.objects.get_or_create(name=MODERATORS)
        if not username:
            names = list(group.user_set.order_by("username").values_list("username", flat=True))
            staff = list(User.objects.filter(is_staff=True).exclude(groups=group).values_list("username", flat=True))
            self.stdout.write("Moderators: " + (", ".join(names) or "none")
                              + (f" (staff, who moderate too: {', '.join(staff)})" if staff else ""))
            return
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No reader is called {username!r}; they sign up on the site first.")
        if remove:
            group.user_set.remove(user)
            extra = " (they are staff, so they still moderate)" if user.is_staff else ""
            self.stdout.write(f"{username} is no longer in the moderators{extra}.")
        else:
            group.user_set.add(user)
            self.stdout.write(f"{username} is a moderator: the queue is at /moderation/queue.")
