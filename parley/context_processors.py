"""Template context shared by every page."""
from django.conf import settings


def site(request):
    """Return the site name for the page header."""
    return {"site_name": settings.PARLEY_SITE_NAME}
