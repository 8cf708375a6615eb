"""A reader's own API tokens from the Settings page: created with a name (the key shown once), listed
with their last use, revoked; their limits and bad input answered in words; on the real database."""
import re
import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from django.test import Client

from parley.accounts import tokens
from parley.accounts.models import ApiToken

pytestmark = pytest.mark.django_db
SETTINGS = "/accounts/settings/"


@pytest.fixture
def reader(client):
    user = User.objects.create_user("tess", password="a-long-password-11")
    client.force_login(user)
    return user


def create(client, name):
    return client.post("/accounts/tokens/new", {"name": name})


def key_on(page: str) -> str:
    return re.search(r'value="(pt_[\w-]+)"', page).group(1)


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_token_is_created_with_a_name_its_key_shown_once(client, reader):
    """Ensure creating a token shows its key on that answer only: the key works, only its hash is
    stored, and the Settings page lists the token by name without the key."""
    answer = create(client, "portfolio script")
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    page = answer.content.decode()
    key = key_on(page)
    assert "will never show it again" in page and "portfolio script" in page
    token = ApiToken.objects.get(user=reader)
    assert token.name == "portfolio script" and token.key_hash == ApiToken.hash(key) and key not in token.key_hash
    assert Client().get("/api/v1/me", **bearer(key)).json()["username"] == "tess"
    settings = client.get(SETTINGS).content.decode()
    section = settings[settings.index('id="api-tokens"'):]
    assert "portfolio script" in section and "Never" not in section and key not in settings
    assert "<time" in section  # created and last used, as times


def test_the_list_says_never_used_until_the_key_is_used(client, reader):
    """Ensure a new token reads 'Never' under Last used, and its use shows there after."""
    _, key = tokens.issue_token(reader, "laptop")
    section = client.get(SETTINGS).content.decode().split('id="api-tokens"')[1]
    assert section.count("<time") == 1 and "Never" in section
    assert Client().get("/api/v1/me", **bearer(key)).status_code == 200
    section = client.get(SETTINGS).content.decode().split('id="api-tokens"')[1]
    assert section.count("<time") == 2 and "Never" not in section


def test_a_token_name_with_markup_is_escaped(client, reader):
    """Ensure a name holding markup is stored as typed and shown as text on both pages."""
    name = '<script>alert(1)</script><b onmouseover="x">'
    created = create(client, name).content.decode()
    settings = client.get(SETTINGS).content.decode()
    for page in (created, settings):
        assert "<script>alert(1)</script>" not in page and "<b onmouseover" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert ApiToken.objects.get(user=reader).name == name


@pytest.mark.parametrize("name, words", [
    ("", "Give the token a name"),
    ("   ", "Give the token a name"),
    ("x" * 101, "at most 100 characters; this one has 101"),
    ("tab\there", "control characters"),
])
def test_a_bad_name_is_a_400_that_keeps_what_was_typed(client, reader, name, words):
    """Ensure an empty, too long or control-character name is refused in words, with the form again
    holding the name, and no token made."""
    answer = create(client, name)
    page = answer.content.decode()
    assert answer.status_code == 400 and words in page and 'role="alert"' in page
    if name.strip():
        assert f'value="{name}"' in page
    assert not ApiToken.objects.exists()


def test_at_most_twenty_tokens_each(client, reader):
    """Ensure the 21st token is refused in words, the Settings page says the limit instead of the
    form, and another reader is not affected."""
    for n in range(tokens.MAX_TOKENS):
        assert create(client, f"machine {n}").status_code == 200
    refused = create(client, "one more")
    assert refused.status_code == 400 and "You have 20 tokens, the most a reader may have" in refused.content.decode()
    assert ApiToken.objects.filter(user=reader).count() == 20
    settings = client.get(SETTINGS).content.decode()
    assert "revoke one to create another" in settings and 'action="/accounts/tokens/new"' not in settings
    other = User.objects.create_user("uma")
    assert tokens.issue_token(other, "mine")[0].user == other


def test_revoking_refuses_the_next_request_and_says_so_in_the_section(client, reader):
    """Ensure Revoke (a POST) deletes the token, the next request with its key is 401, and the
    note is drawn in the tokens' section, once; revoking it again says it already was."""
    token, key = tokens.issue_token(reader, "old script")
    kept, kept_key = tokens.issue_token(reader, "new script")
    assert client.get(f"/accounts/tokens/{token.pk}/revoke").status_code == 405
    answer = client.post(f"/accounts/tokens/{token.pk}/revoke")
    assert answer.status_code == 302 and answer["Location"] == SETTINGS + "#api-tokens"
    page = client.get(answer["Location"]).content.decode()
    section = page[page.index('id="api-tokens"'):]
    assert "Revoked “old script”: programs using it are refused from now on." in section
    assert page.count("Revoked “old script”") == 1 and "old script</td>" not in page and "new script" in section
    assert Client().get("/api/v1/me", **bearer(key)).status_code == 401
    assert Client().get("/api/v1/me", **bearer(kept_key)).status_code == 200
    client.post(f"/accounts/tokens/{token.pk}/revoke")
    assert "That token was already revoked." in client.get(SETTINGS).content.decode()


def test_no_reader_revokes_anothers_token(client, reader):
    """Ensure posting another reader's token id revokes nothing (and says nothing about it)."""
    other = User.objects.create_user("vic")
    token, key = tokens.issue_token(other, "vic's")
    client.post(f"/accounts/tokens/{token.pk}/revoke")
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert Client().get("/api/v1/me", **bearer(key)).status_code == 200


def test_creating_and_revoking_need_a_signed_in_reader_and_the_csrf_token(reader):
    """Ensure the forms' posts are refused without the CSRF token, and send a signed-out reader to sign in."""
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reader)
    token, _ = tokens.issue_token(reader, "kept")
    assert strict.post("/accounts/tokens/new", {"name": "forged"}).status_code == 403
    assert strict.post(f"/accounts/tokens/{token.pk}/revoke").status_code == 403
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["kept"]
    anonymous = Client().post("/accounts/tokens/new", {"name": "x"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


@pytest.mark.django_db(transaction=True)
def test_a_token_revoked_mid_request_finishes_that_request_and_refuses_the_next(django_user_model):
    """Ensure a request its token authenticated finishes (200, no 500) when another request revokes
    the token right after the check, and the next request with the key is 401."""
    user = django_user_model.objects.create_user("wen")
    token, key = tokens.issue_token(user, "racing script")
    revoked = []

    def revoke_from_another_request():
        try:
            revoked.append(tokens.revoke_token(user, token.pk))
        finally:
            connections.close_all()

    def after_the_token_is_read(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not revoked and "accounts_apitoken" in sql and sql.lstrip().upper().startswith("SELECT"):
            other = threading.Thread(target=revoke_from_another_request)
            other.start()
            other.join()
        return result

    with connection.execute_wrapper(after_the_token_is_read):
        answer = Client().get("/api/v1/me", **bearer(key))
    assert revoked and revoked[0].name == "racing script"
    assert answer.status_code == 200 and answer.json()["username"] == "wen"
    assert not ApiToken.objects.filter(user=user).exists()
    assert Client().get("/api/v1/me", **bearer(key)).status_code == 401
