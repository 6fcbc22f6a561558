"""The API keeps the promises of its OpenAPI document: schemathesis generates
requests from the document (valid ones and broken ones) and sends them to the WSGI
application; no answer may be a server error or differ from the document, and none
may show a story readers cannot see."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from articles.public.api.urls import api

from .api_data import Newsroom

pytestmark = pytest.mark.django_db

# Enough for schemathesis to reach every parameter and its edges on each endpoint,
# while the whole module stays well under a minute.
EXAMPLES = 60


@pytest.fixture
def newsroom(settings):
    settings.NEWSROOM_API_RATE = 1_000_000
    return Newsroom()


@pytest.fixture
def keep_test_connection():
    # As Django's test client does: a request must not close the test's
    # connection, whose transaction holds the test data.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The document the API serves at /api/v1/openapi.json (the first test checks that
# they are the same); made here because tests are collected before any database.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()


def test_the_document_served_is_openapi_3_1(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document == json.loads(json.dumps(api.get_openapi_schema()))
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["partnerKey"]["in"] == "header"
    assert {"/api/v1/stories", "/api/v1/stories/{story}", "/api/v1/search"} <= set(
        document["paths"]
    )


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_is_as_documented(case, newsroom, keep_test_connection):
    response = case.call_and_validate()
    assert response.status_code < 500
    leaks = newsroom.leaks(response.text)
    assert not leaks, (case.formatted_path, leaks)
