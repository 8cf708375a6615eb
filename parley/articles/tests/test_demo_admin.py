"""Demo content and the admin pages for outlets, articles and disclaimers."""
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from parley.articles.models import Article, Disclaimer, Outlet

pytestmark = pytest.mark.django_db


def test_demo_loads_sample_articles_over_the_last_week():
    """Ensure `parley demo` loads 60 sample articles from several outlets within the last 7 days."""
    call_command("demo")
    articles = Article.objects.all()
    assert articles.count() == 60 and all(a.is_sample for a in articles)
    assert Outlet.objects.count() >= 5
    now = timezone.now()
    assert all(now - timedelta(days=7) <= a.published_at <= now for a in articles)
    assert Disclaimer.objects.filter(is_default=True).exists()
    from parley.discussion.models import Comment
    texts = list(Comment.objects.values_list("body_markdown", flat=True))
    assert len(texts) >= 50 and len(set(texts)) == len(texts), "demo comments repeat each other"


def test_demo_is_deterministic_and_idempotent():
    """Ensure two demo loads give the same headlines and a second load adds nothing."""
    call_command("demo")
    first = sorted(Article.objects.values_list("title", "body_text"))
    call_command("demo")
    assert Article.objects.count() == 60
    call_command("demo", refresh=True)
    assert sorted(Article.objects.values_list("title", "body_text")) == first


def test_demo_pages_show_sample_marker(client):
    """Ensure demo articles are marked as sample content on the page."""
    call_command("demo")
    assert "Sample content" in client.get("/").content.decode()


@pytest.mark.parametrize("url", ["/admin/articles/article/", "/admin/articles/outlet/", "/admin/articles/disclaimer/",
                                 "/admin/articles/disclaimer/add/"])
def test_admin_pages_open(admin_client, url):
    """Ensure the admin lists and forms for articles, outlets and disclaimers open."""
    call_command("demo")
    assert admin_client.get(url).status_code == 200


def test_admin_article_change_page_opens(admin_client, make_article):
    """Ensure one article's admin page opens."""
    article = make_article()
    assert admin_client.get(f"/admin/articles/article/{article.pk}/change/").status_code == 200
