"""URL map: reading pages at the root, the API under /api/v1/, the admin under /admin/."""
from django.contrib import admin
from django.urls import include, path, re_path

from parley import health
from parley.api.api import api
from parley.api.api import not_found as api_not_found

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),  # a JSON 404 for any other path under /api/
    path("", include("parley.following.urls")),
    path("", include("parley.accounts.urls")),
    path("", include("parley.discussion.urls")),
    path("", include("parley.web.urls")),
    path("", include("parley.articles.urls")),
    path("", include("parley.sources.urls")),
    path("", include("parley.enrichment.urls")),
    path("", include("parley.stories.urls")),
]

handler403 = "parley.articles.errors.forbidden"
handler404 = "parley.articles.errors.not_found"
handler500 = "parley.articles.errors.server_error"
