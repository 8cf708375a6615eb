from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "parley.stories"
    label = "stories"
    verbose_name = "Stories"

    def ready(self):
        from parley.discussion.threads import share_discussions
        from parley.enrichment.signals import article_enriched
        from parley.stories.queries import discussion_of, discussions_of
        from parley.stories.services import queue

        share_discussions(discussion_of, discussions_of)  # one discussion per story
        article_enriched.connect(queue, dispatch_uid="parley.stories.queue")
