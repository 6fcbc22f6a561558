"""What every API answer goes through: validators and 304, cache headers, CORS,
the rate limit and partners' keys."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.models import ApiKey, Status
from articles.public.api import http as api_http
from articles.workflow import services
from articles.workflow.api_keys import api_key_create, api_key_delete, api_key_update

from .factories import make_chief, make_editor, make_story

pytestmark = pytest.mark.django_db

LIST = "/api/v1/stories"


@pytest.fixture
def story():
    return make_story("Алматыда қар жауды", status=Status.PUBLISHED)


def test_answers_carry_validators_and_a_304_answers_them(client, story):
    first = client.get(LIST)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"')
    assert modified
    again = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Access-Control-Allow-Origin"] == "*"
    assert client.get(LIST, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    other = client.get(LIST, HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200
    assert other.json()["items"]


def test_a_story_leaving_a_list_changes_both_validators(client, story, settings):
    older = make_story("Ескі жаңалық", status=Status.PUBLISHED)
    older.published_at = timezone.now() - timedelta(days=1)
    older.save(update_fields=["published_at"])
    first = client.get(LIST)
    services.story_transition(
        story_id=story.pk, user=make_editor(), action="unpublish", note="Қате"
    )
    # Withdrawing purges after the commit; here the test's transaction never
    # commits, so purge as the service would.
    from articles.core import cache as caching

    caching.purge_public()
    # Nothing newer came in, yet the list changed: neither validator may match.
    answer = client.get(LIST, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert answer.status_code == 200
    assert [i["id"] for i in answer.json()["items"]] == [older.pk]
    assert answer["ETag"] != first["ETag"]
    assert client.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_the_same_answer_keeps_its_last_modified(client, story):
    from articles.core import cache as caching

    first = client.get(LIST)
    caching.purge_public()
    again = client.get(LIST)
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]


def test_cache_lifetime_ends_at_the_next_scheduled_publication(client, story):
    answer = client.get(LIST)
    assert answer["Cache-Control"].startswith("public")
    assert 0 < int(answer["Cache-Control"].split("max-age=")[1]) <= 300
    cache.clear()
    make_story(
        "Кейін шығады",
        status=Status.PUBLISHED,
        published_at=timezone.now() + timedelta(seconds=40),
    )
    answer = client.get(LIST)
    assert int(answer["Cache-Control"].split("max-age=")[1]) <= 40


def test_any_origin_may_read_and_ask_first(client, story):
    answer = client.get(LIST, HTTP_ORIGIN="https://partner.example")
    assert answer["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in answer["Access-Control-Expose-Headers"]
    assert "Retry-After" in answer["Access-Control-Expose-Headers"]
    preflight = client.options(
        LIST,
        HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-api-key",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "X-API-Key" in preflight["Access-Control-Allow-Headers"]
    assert "GET" in preflight["Access-Control-Allow-Methods"]


def test_only_reading_methods_are_answered(client, story):
    for method in ("post", "put", "patch", "delete"):
        answer = getattr(client, method)(LIST)
        assert answer.status_code == 405
        assert answer["Allow"] == "GET, HEAD, OPTIONS"
    assert client.head(LIST).status_code == 200


def test_too_many_requests_get_429_with_retry_after(client, story, settings):
    settings.NEWSROOM_API_RATE = 3
    answers = [client.get(LIST) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["RateLimit-Remaining"] == "0"
    assert refused["Cache-Control"] == "private, no-store"
    assert "3" in refused.json()["detail"]
    # Another address has its own count; the limit counts every endpoint.
    assert client.get(LIST, REMOTE_ADDR="10.1.1.1").status_code == 200
    assert client.get("/api/v1/sections").status_code == 429


def test_a_trusted_proxy_header_names_the_client(client, story, settings):
    settings.NEWSROOM_API_RATE = 1
    settings.NEWSROOM_API_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert client.get(LIST, HTTP_X_REAL_IP="192.0.2.1").status_code == 200
    assert client.get(LIST, HTTP_X_REAL_IP="192.0.2.1").status_code == 429
    assert client.get(LIST, HTTP_X_REAL_IP="192.0.2.2").status_code == 200


def test_a_partner_key_has_its_own_higher_limit(client, story, settings):
    settings.NEWSROOM_API_RATE = 1
    _key, raw = api_key_create(name="Kaspi", rate_limit=5, created_by=make_chief())
    assert client.get(LIST).status_code == 200
    assert client.get(LIST).status_code == 429
    keyed = [client.get(LIST, HTTP_X_API_KEY=raw) for _ in range(6)]
    assert [a.status_code for a in keyed] == [200] * 5 + [429]
    assert keyed[0]["RateLimit-Limit"] == "5"


def test_a_wrong_or_revoked_key_is_refused_at_once(client, story):
    key, raw = api_key_create(name="Kaspi", rate_limit=50, created_by=make_chief())
    assert client.get(LIST, HTTP_X_API_KEY=raw).status_code == 200
    wrong = client.get(LIST, HTTP_X_API_KEY=raw + "x")
    assert wrong.status_code == 401
    assert "X-API-Key" in wrong.json()["detail"]
    api_key_update(key_id=key.pk, name="Kaspi", rate_limit=50, active=False)
    _run_on_commit()
    assert client.get(LIST, HTTP_X_API_KEY=raw).status_code == 401
    api_key_update(key_id=key.pk, name="Kaspi", rate_limit=50, active=True)
    _run_on_commit()
    assert client.get(LIST, HTTP_X_API_KEY=raw).status_code == 200
    api_key_delete(key_id=key.pk)
    _run_on_commit()
    assert client.get(LIST, HTTP_X_API_KEY=raw).status_code == 401


def _run_on_commit():
    # The test's transaction never commits; run what the services queued for then.
    from django.db import connection

    for _sids, callback, _robust in connection.run_on_commit:
        callback()
    connection.run_on_commit.clear()


def test_keys_are_kept_only_as_hashes(story):
    key, raw = api_key_create(name="Kaspi", rate_limit=50, created_by=make_chief())
    stored = ApiKey.objects.get(pk=key.pk)
    assert raw.startswith("nr_")
    assert len(raw) > 40
    assert raw not in {stored.key_hash, stored.prefix, stored.name}
    assert stored.key_hash == ApiKey.hash(raw)
    assert raw.startswith(stored.prefix)
    assert len(stored.prefix) < 12


def test_answers_are_served_again_from_the_cache(
    client, story, django_assert_num_queries
):
    client.get(LIST)
    with django_assert_num_queries(0):
        assert client.get(LIST).status_code == 200
    # Parameters the API does not know change nothing and make no new entry.
    with django_assert_num_queries(0):
        assert client.get(LIST + "?utm_source=x&junk=1").status_code == 200


def test_a_head_request_has_the_headers_and_no_body(client, story):
    answer = client.head(LIST)
    assert answer.status_code == 200
    assert answer.content == b""
    assert answer["ETag"] == client.get(LIST)["ETag"]


def test_unknown_addresses_answer_json_404(client):
    answer = client.get("/api/v1/no/such/thing")
    assert answer.status_code == 404
    assert answer.json()["detail"]
    assert answer["Access-Control-Allow-Origin"] == "*"


def test_error_messages_follow_accept_language(client):
    ru = client.get(LIST + "?limit=0", HTTP_ACCEPT_LANGUAGE="ru")
    kk = client.get(LIST + "?limit=0", HTTP_ACCEPT_LANGUAGE="kk")
    en = client.get(LIST + "?limit=0", HTTP_ACCEPT_LANGUAGE="en")
    assert len({ru.json()["detail"], kk.json()["detail"], en.json()["detail"]}) == 3


def test_last_modified_is_never_older_than_the_last_answer(story):
    digest = "d" * 64
    now = int(timezone.now().timestamp())
    cache.set(api_http.STAMP_KEY.format(digest=digest), ('"a"', now + 5), 60)
    # A new answer within the same second still gets a later time.
    assert api_http._modified_since(digest, '"b"') == now + 6
    assert api_http._modified_since(digest, '"b"') == now + 6
