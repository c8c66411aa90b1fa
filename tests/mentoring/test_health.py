from unittest import mock

import pytest
from django.db.utils import OperationalError

pytestmark = pytest.mark.django_db


def test_health_is_ok_with_the_database_and_no_broker(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_health_is_503_when_the_database_does_not_answer(client, settings):
    settings.REDIS_URL = ""
    with mock.patch("mentoring.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"


def test_health_is_503_when_the_broker_does_not_answer(client, settings):
    # Nothing listens on port 1: the connection is refused at once.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "broker": "unavailable"},
    }


def test_health_reports_a_live_broker(client, settings, redis_url):
    settings.REDIS_URL = redis_url
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_health_is_not_cached(client):
    response = client.get("/health/")
    assert "no-cache" in response.headers["Cache-Control"]
