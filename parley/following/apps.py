from django.apps import AppConfig


class FollowingConfig(AppConfig):
    name = "parley.following"
    label = "following"
    verbose_name = "Following and notifications"

    def ready(self):
        from parley.enrichment.corrections import fact_withdrawn
        from parley.following.events import on_fact_withdrawn

        fact_withdrawn.connect(on_fact_withdrawn, dispatch_uid="parley.following.on_fact_withdrawn")
