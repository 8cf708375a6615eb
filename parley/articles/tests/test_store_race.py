"""Two writers storing the same new article at the same moment end with one article, on either database."""
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from parley.articles.models import Article
from parley.articles.services import IMPORTED, UNCHANGED, ArticleDraft, store_articles


@pytest.mark.django_db(transaction=True)
def test_the_same_new_url_stored_by_two_writers_at_once_is_one_article():
    """Ensure the second writer, which looked before the first committed (PostgreSQL then refuses
    its insert on the unique identity), looks again and finds the first one's article."""
    draft = ArticleDraft(title="Lender beats forecasts", published_at=timezone.now(), outlet="Wire",
                         url="https://wire.example/lender-beats", paragraphs=["Shares rose after the report."])
    first_stored, go = threading.Event(), threading.Event()
    statuses, errors = {}, []

    def first():
        try:
            with transaction.atomic():
                statuses["first"] = store_articles([draft])[0].status
                first_stored.set()
                go.wait(10)
                time.sleep(0.5)  # the second writer is now waiting on our uncommitted row
        except Exception as exc:  # surfaced below; a thread's exception would otherwise vanish
            errors.append(exc)
        finally:
            first_stored.set()
            connection.close()

    def second():
        try:
            first_stored.wait(10)
            go.set()
            statuses["second"] = store_articles([draft])[0].status
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert statuses == {"first": IMPORTED, "second": UNCHANGED}
    assert Article.objects.filter(url="https://wire.example/lender-beats").count() == 1
