"""Readers, fresh articles about named tickers (enriched by the real pipeline), and the outbox drained."""
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from parley.accounts.models import Profile
from parley.enrichment.services import enrich_article
from parley.following.events import process_events


@pytest.fixture
def reader(db):
    """Return a function making an established reader (joined a month ago), optionally with a verified
    address and a password."""
    def make(name, email="", verified=False, password=None):
        user = User.objects.create_user(name, email=email, password=password,
                                        date_joined=timezone.now() - timedelta(days=30))
        Profile.objects.update_or_create(user=user, defaults={"verified_email": email if verified else ""})
        return user
    return make


@pytest.fixture
def about(make_article):
    """Return a function storing and enriching a fresh article that names a company by its ticker."""
    def make(symbol="BA", company="Boeing", minutes_ago=0, outlet="Test Wire", **extra):
        article = make_article(
            title=extra.pop("title", f"{company} shares move after the announcement"), outlet=outlet,
            published_at=timezone.now() - timedelta(minutes=minutes_ago),
            body=f"{company} (NYSE: {symbol}) said on Tuesday that deliveries rose.\n\nAnalysts expect more.", **extra)
        enrich_article(article)
        return article
    return make


@pytest.fixture
def deliver(db):
    """Deliver every pending event, as a worker does; return how many were delivered."""
    return process_events
