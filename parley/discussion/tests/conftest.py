"""Readers, moderators and a discussed article, built through the app's own functions."""
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from parley.accounts.setup import MODERATORS


@pytest.fixture
def reader(db):
    """Return a function making an established reader (joined a month ago)."""
    def make(name):
        return User.objects.create_user(name, password=None, date_joined=timezone.now() - timedelta(days=30))
    return make


@pytest.fixture
def alice(reader):
    return reader("alice")


@pytest.fixture
def bob(reader):
    return reader("bob")


@pytest.fixture
def moderator(reader):
    mod = reader("mod")
    mod.groups.add(Group.objects.get_or_create(name=MODERATORS)[0])
    return mod


@pytest.fixture
def article(make_article):
    return make_article(title="Copper slips as stocks climb", outlet="Metals Desk")
