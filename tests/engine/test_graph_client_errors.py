"""Microsoft's error answers become typed errors with messages a user can act on."""

import json
from datetime import UTC, datetime

import pytest
import requests

from engine import errors


def make_response(status, body=None, headers=None, raw=None):
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers or {})
    response._content = raw if raw is not None else json.dumps(body).encode()
    return response


def test_graph_400_is_a_rejected_payload_naming_the_event():
    body = {"error": {"code": "ErrorInvalidIdMalformed", "message": "Id is malformed."}}
    error = errors.from_response(make_response(400, body))
    assert isinstance(error, errors.RejectedPayload)
    assert (error.code, error.status, error.detail) == (
        "ErrorInvalidIdMalformed",
        400,
        "Id is malformed.",
    )
    error.subject = "Team lunch"
    assert error.user_message.startswith(
        'The event "Team lunch" was refused by Outlook: Id is malformed.'
    )


def test_invalid_client_asks_for_a_new_secret():
    body = {
        "error": "invalid_client",
        "error_description": "AADSTS7000215: Invalid client secret provided.",
        "error_codes": [7000215],
    }
    error = errors.from_response(make_response(401, body))
    assert isinstance(error, errors.InvalidClient)
    assert error.code == "invalid_client"
    assert "create a new client secret in Microsoft Entra ID" in error.user_message
    assert "Calendar settings" in error.user_message


def test_invalid_grant_asks_to_reconnect():
    body = {"error": "invalid_grant", "error_description": "AADSTS50173: grant revoked"}
    error = errors.from_response(make_response(400, body))
    assert isinstance(error, errors.ConsentRevoked)
    assert "Outlook button" in error.user_message


def test_access_denied_is_refused_consent():
    error = errors.from_oauth_error({"error": "access_denied"})
    assert isinstance(error, errors.ConsentRefused)
    assert "accept the requested permissions" in error.user_message


def test_unknown_oauth_error_is_still_a_sync_error():
    error = errors.from_oauth_error({"error": "something_new", "error_description": "why"})
    assert type(error) is errors.SyncError
    assert error.code == "something_new" and error.detail == "why"


@pytest.mark.parametrize(
    "status, kind",
    [
        (401, errors.ConsentRevoked),
        (403, errors.ConsentRefused),
        (404, errors.NotFound),
        (409, errors.RejectedPayload),
        (410, errors.SyncStateExpired),
        (429, errors.Throttled),
        (500, errors.ServiceUnavailable),
        (503, errors.ServiceUnavailable),
    ],
)
def test_status_decides_the_kind(status, kind):
    body = {"error": {"code": "SomeCode", "message": "Some message."}}
    error = errors.from_response(make_response(status, body))
    assert type(error) is kind
    assert error.status == status and error.code == "SomeCode"
    assert error.user_message  # every kind tells the user something


def test_body_that_is_not_json_is_tolerated():
    response = make_response(502, raw=b"<html>Bad Gateway</html>")
    error = errors.from_response(response)
    assert isinstance(error, errors.ServiceUnavailable)
    assert error.code is None and error.detail == "HTTP 502"


def test_empty_body_is_tolerated():
    error = errors.from_response(make_response(404, raw=b""))
    assert isinstance(error, errors.NotFound)


def test_throttled_carries_retry_after_seconds():
    error = errors.from_response(make_response(429, {}, {"Retry-After": "7"}))
    assert isinstance(error, errors.Throttled) and error.retry_after == 7


def test_batch_headers_are_case_insensitive():
    error = errors.from_graph_error(429, None, {"retry-after": "3"})
    assert error.retry_after == 3


def test_retry_after_as_http_date():
    now = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
    assert errors.parse_retry_after("Sat, 01 Mar 2025 12:00:30 GMT", now) == 30
    assert errors.parse_retry_after("Sat, 01 Mar 2025 11:00:00 GMT", now) == 0
    assert errors.parse_retry_after("soon", now) is None
    assert errors.parse_retry_after(None, now) is None


def test_messages_never_show_url_queries():
    secret = "$deltatoken=R0usmcCM996atia_s"
    body = {
        "error": {
            "code": "syncStateNotFound",
            "message": f"Link https://graph.microsoft.com/v1.0/me/calendarView/delta?{secret} "
            "is no longer valid.",
        }
    }
    error = errors.from_response(make_response(410, body))
    for text in (str(error), error.detail, error.user_message):
        assert "deltatoken" not in text
    assert "https://graph.microsoft.com/v1.0/me/calendarView/delta" in error.detail


def test_long_messages_are_cut():
    error = errors.from_graph_error(400, {"error": {"message": "x" * 5000}})
    assert len(error.detail) <= 300


def test_str_is_a_log_line():
    error = errors.from_graph_error(
        404, {"error": {"code": "ErrorItemNotFound", "message": "Gone"}}
    )
    assert str(error) == "NotFound 404 ErrorItemNotFound: Gone"


def test_every_error_is_a_sync_error():
    kinds = [
        errors.ConfigurationError,
        errors.InvalidClient,
        errors.ConsentRefused,
        errors.ConsentRevoked,
        errors.SignInFailed,
        errors.Throttled,
        errors.NotFound,
        errors.RejectedPayload,
        errors.ServiceUnavailable,
        errors.ConnectionFailed,
        errors.SyncStateExpired,
    ]
    for kind in kinds:
        assert issubclass(kind, errors.SyncError)


