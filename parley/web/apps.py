from django.apps import AppConfig


class WebConfig(AppConfig):
    """Pages that combine several apps (home, article, outlet, search) and the demo content: the top
    layer, beside the API. The apps below never import it (.importlinter)."""

    name = "parley.web"
    label = "web"
    verbose_name = "Pages"
