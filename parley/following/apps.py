from django.apps import AppConfig


class FollowingConfig(AppConfig):
    name = "parley.following"
    label = "following"
    verbose_name = "Following and notifications"

    def ready(self):
        """Listen to the apps below: following acts on what they announce, they never call it."""
        from parley.discussion import signals as discussion
        from parley.enrichment.corrections import fact_withdrawn
        from parley.enrichment.signals import article_understood
        from parley.following import events
        from parley.stories import signals as stories

        for signal, receiver in ((fact_withdrawn, events.on_fact_withdrawn),
                                 (article_understood, events.article_understood),
                                 (discussion.comment_posted, events.comment_posted),
                                 (discussion.comment_edited, events.comment_edited),
                                 (discussion.comment_withdrawn, events.withdraw),
                                 (discussion.author_suspended, events.withdraw_from),
                                 (stories.article_joined, events.article_joined),
                                 (stories.story_merged, events.story_merged)):
            signal.connect(receiver, dispatch_uid=f"parley.following.{receiver.__name__}")
