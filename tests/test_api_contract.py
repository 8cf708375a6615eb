"""The API against its own OpenAPI document, on a live server: schemathesis generates requests from
`/api/v1/openapi.json`, and no answer may be a server error, an undocumented status or a body that
strays from the documented schema.

Driven through schemathesis's Hypothesis strategies directly: its pytest plugin does not run under
pytest 9 (AttributeError on `_nodeid`).
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def check_operation(operation, headers: dict, base_url: str, calls: list) -> None:
    """Run generated cases of one operation; raise on the first check that fails."""
    @given(case=operation.as_strategy())
    @settings(max_examples=15, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    def keeps_contract(case):
        calls.append(case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS).status_code)

    keeps_contract()


@pytest.mark.django_db(transaction=True)
def test_the_api_keeps_its_contract(live_server, make_article, django_user_model):
    """Ensure generated requests to every operation get no 5xx, a documented status and a body that
    matches the documented schema."""
    from parley.accounts.models import ApiToken
    from parley.discussion.services import post_comment
    article = make_article(title="Contract", url="https://wire.example/contract")
    post_comment(django_user_model.objects.create_user("contract"), article, "A comment to find")
    staff = django_user_model.objects.create_user("staffer", is_staff=True)
    signed = {"Authorization": f"Bearer {ApiToken.issue(staff)[1]}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10, "the schema lists fewer operations than the API has"
    failures, calls = [], []
    # Signed in as staff, every write runs for real; adding a source would fetch a made-up host,
    # which its own tests cover against local servers, so that one operation is only tried anonymously.
    runs = [(op, h) for op in operations for h in ({}, signed)
            if not (h and op.method.upper() == "POST" and op.path.endswith("/sources"))]
    for operation, headers in runs:
        try:
            check_operation(operation, headers, live_server.url, calls)
        except Exception as exc:  # collect every operation's failure, then report them together
            who = "signed in" if headers else "anonymous"
            failures.append(f"{operation.method.upper()} {operation.path} ({who}): {str(exc)[:600]}")
    assert not failures, "\n\n".join(failures)
    assert {200, 401}.issubset(calls), f"the run never reached some answers: {sorted(set(calls))}"


# Strings PostgreSQL cannot store or that overflow a field, a date or an integer: every one must get
# a documented answer (400 where it cannot be used), never a 5xx. Hypothesis alone seldom writes them.
HOSTILE_STRINGS = ["\x00", "ticker\x00", "\uffff", "9999-12-31", "0001-01-01", "99999999999999999999999", "-1",
                   "1e309", "NaN", "x" * 5000]
HOSTILE_NUMBERS = [2**63, -(2**63) - 1, 10**30]


def hostile(value, text: str, number: int):
    """The same structure with every string replaced by `text` and every integer by `number`."""
    if isinstance(value, dict):
        return {key: hostile(item, text, number) for key, item in value.items()}
    if isinstance(value, list):
        return [hostile(item, text, number) for item in value]
    if isinstance(value, str):
        return text
    if isinstance(value, int) and not isinstance(value, bool):
        return number
    return value


def check_hostile(operation, headers: dict, base_url: str, calls: list) -> None:
    from hypothesis import strategies as st

    @given(case=operation.as_strategy(), text=st.sampled_from(HOSTILE_STRINGS), number=st.sampled_from(HOSTILE_NUMBERS))
    @settings(max_examples=12, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    def keeps_contract(case, text, number):
        if case.query:
            case.query = hostile(dict(case.query), text, number)
        if isinstance(case.body, (dict, list)):
            case.body = hostile(case.body, text, number)
        calls.append((text, case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS).status_code))

    keeps_contract()


@pytest.mark.django_db(transaction=True)
def test_the_api_keeps_its_contract_with_nul_and_out_of_range_values(live_server, make_article, django_user_model):
    """Ensure every operation, anonymous and signed in, answers NUL bytes, non-characters, overflowing
    dates and numbers and long strings in its query and body with a documented status and body, never
    a 5xx (PostgreSQL answered 500 to NUL in 22 places; schemathesis's own cases never sent one)."""
    from parley.accounts.models import ApiToken
    make_article(title="Contract", url="https://wire.example/contract")
    staff = django_user_model.objects.create_user("staffer", is_staff=True)
    signed = {"Authorization": f"Bearer {ApiToken.issue(staff)[1]}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    failures, calls = [], []
    runs = [(op, h) for op in operations for h in ({}, signed)
            if not (h and op.method.upper() == "POST" and op.path.endswith("/sources"))]
    for operation, headers in runs:
        try:
            check_hostile(operation, headers, live_server.url, calls)
        except Exception as exc:
            who = "signed in" if headers else "anonymous"
            failures.append(f"{operation.method.upper()} {operation.path} ({who}): {str(exc)[:600]}")
    assert not failures, "\n\n".join(failures)
    assert any(text.startswith(("\x00", "ticker\x00")) and status == 400 for text, status in calls), \
        "no NUL ever reached the edge check"


@pytest.mark.django_db(transaction=True)
def test_the_readers_own_endpoints_and_paged_comments_keep_their_contract(live_server, make_article, django_user_model):
    """Ensure GET /me (signed in and not) and every page of a thread walked by its `next` cursor, and
    a forged cursor, get documented answers whose bodies match the schema: generated requests never
    hold a cursor the API issued, so they alone never reach a second page."""
    from parley.accounts.models import ApiToken
    from parley.discussion.services import post_comment
    article = make_article(title="Paged", url="https://wire.example/paged")
    reader = django_user_model.objects.create_user("pager")
    top = post_comment(reader, article, "First", enforce_limits=False)
    for n in range(4):
        post_comment(reader, article, f"Reply {n}", top if n % 2 else None, enforce_limits=False)
    signed = {"Authorization": f"Bearer {ApiToken.issue(reader)[1]}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    listed = {(op.method.upper(), op.path): op for op in (result.ok() for result in schema.get_all_operations())}
    me, comments = listed[("GET", "/api/v1/me")], listed[("GET", "/api/v1/articles/{article_id}/comments")]
    assert {"cursor", "limit", "sort"} <= {p.name for p in comments.iter_parameters()}

    def call(operation, headers=None, **parts):
        return operation.Case(**parts).call_and_validate(base_url=live_server.url, headers=headers or {}, checks=CHECKS)

    assert call(me, signed).json()["username"] == "pager"
    assert call(me).status_code == 401
    seen, cursor = [], None
    while True:
        page = call(comments, path_parameters={"article_id": article.pk},
                    query={"sort": "oldest", "limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5
    forged = call(comments, path_parameters={"article_id": article.pk}, query={"cursor": "forged"})
    assert forged.status_code == 400 and "cursor" in forged.json()["detail"]
