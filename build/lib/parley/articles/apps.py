from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "parley.articles"
    label = "articles"
    verbose_name = "Articles"

    def ready(self):
        from django.db.models.signals import post_migrate

        from parley.articles.search_index import ensure_search_index

        post_migrate.connect(ensure_search_index, sender=self)
