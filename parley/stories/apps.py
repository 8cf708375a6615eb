from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "parley.stories"
    label = "stories"
    verbose_name = "Stories"

    def ready(self):
        from django.db.models.signals import post_delete

        from parley.discussion.threads import share_discussions
        from parley.enrichment.signals import article_enriched
        from parley.stories.models import Membership
        from parley.stories.queries import discussion_of, discussions_of
        from parley.stories.services import queue, recount

        share_discussions(discussion_of, discussions_of)  # one discussion per story
        article_enriched.connect(queue, dispatch_uid="parley.stories.queue")
        post_delete.connect(recount, sender=Membership, dispatch_uid="parley.stories.recount")
