"""What must exist after every migrate: the database cache table and the Moderators group."""
from django.conf import settings
from django.core.management import call_command

MODERATORS = "Moderators"


def create_cache_table_and_groups(sender, using="default", **kwargs):
    """Create the cache table(s) of database caches and the Moderators group, if missing."""
    from django.contrib.auth.models import Group

    if any(c["BACKEND"].endswith("DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)
    Group.objects.using(using).get_or_create(name=MODERATORS)
