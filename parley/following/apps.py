from django.apps import AppConfig


class FollowingConfig(AppConfig):
    name = "parley.following"
    label = "following"
    verbose_name = "Following and notifications"
