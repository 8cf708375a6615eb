from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "parley.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.db.models.signals import post_migrate

        from parley.accounts import signals  # noqa: F401 - connects the receivers
        from parley.accounts.setup import create_cache_table_and_groups

        post_migrate.connect(create_cache_table_and_groups, sender=self)
