"""Fixtures shared by every test: the seed page, the outside corpora, a reference date, article factories."""
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from parley.articles.services import ArticleDraft, store_article

SHARED = Path(__file__).resolve().parent.parent / "shared"
SEED_PAGE = SHARED / "seed" / "000_4cd0b8571e5830e8.txt"


def need_shared(path: Path) -> Path:
    """Return a path under ../shared; skip where it is absent (a user's clone), but fail in CI, which has it."""
    if not path.exists():
        message = f"{path} is missing (../shared is only beside CI and developer clones)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def seed_page() -> Path:
    """Return the seed page's path."""
    return need_shared(SEED_PAGE)


@pytest.fixture(scope="session")
def shared() -> Path:
    """Return ../shared, the seed and outside corpora beside the clone."""
    return need_shared(SHARED)


@pytest.fixture
def reference() -> datetime:
    """Return the date the seed page was saved, as an operator would pass --reference-date."""
    return timezone.make_aware(datetime(2025, 11, 28, 12, 0))


@pytest.fixture
def make_article(db):
    """Return a function that stores an article through store_article() and returns it."""
    counter = iter(range(1, 10_000))

    def make(title=None, outlet="Test Wire", published_at=None, body="Some body text.", **extra):
        n = next(counter)
        draft = ArticleDraft(
            title=title or f"Article number {n}", outlet=outlet,
            published_at=published_at or timezone.make_aware(datetime(2025, 11, 1, 9, 0)) + timedelta(hours=n),
            paragraphs=body.split("\n\n"), **extra,
        )
        return store_article(draft).article

    return make


DB_FIXTURES = {"db", "transactional_db", "live_server", "admin_client", "django_db_setup"}


@pytest.fixture(autouse=True)
def empty_cache(request):
    """Start every test with empty caches, so no cached page or rate-limit slot leaks between tests.

    The database cache is cleared only for tests that have the test database; others never touch it.
    """
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    uses_db = bool(request.node.get_closest_marker("django_db") or DB_FIXTURES & set(request.fixturenames))
    if uses_db:
        request.getfixturevalue("_django_db_helper")

    def clear():
        for alias in caches:
            if uses_db or not isinstance(caches[alias], DatabaseCache):
                caches[alias].clear()

    clear()
    yield
    clear()


# Test files that start servers, processes or Chromium, or walk large corpora: 7 s or more each on
# a 2-core machine (`pytest --durations=70`). `make test-fast` leaves them and the browser tests out
# for the edit loop; `make test` and CI run everything.
SLOW_FILES = {
    "tests/test_chaos.py", "tests/test_deploy_doc.py", "tests/test_worker_kill.py", "tests/test_article_structure.py",
    "tests/test_concurrency.py", "tests/test_notify_workers.py", "tests/test_api_contract.py",
    "tests/test_enrich_beside_writers.py", "tests/test_serve_supervision.py", "tests/test_two_workers.py",
    "tests/test_many_machines.py", "parley/sources/tests/test_trust.py", "parley/sources/tests/test_reader_properties.py",
    "parley/sources/tests/test_faults.py", "parley/sources/tests/test_checker.py",
}
ROOT = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Mark the slow tests `slow` (the browser tests are slow too), so `-m "not slow"` runs the rest."""
    for item in items:
        relative = Path(item.path).resolve().relative_to(ROOT).as_posix()
        if relative in SLOW_FILES or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)
