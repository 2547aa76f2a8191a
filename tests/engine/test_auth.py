"""Signing in at Microsoft with msal, against the emulated identity platform."""

import json
import logging
import socket
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from conftest import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, EMULATOR_REDIRECT_URI

from engine.auth import MicrosoftSignIn, scopes
from engine.endpoints import endpoints_for
from engine.errors import (
    ConfigurationError,
    ConnectionFailed,
    ConsentRefused,
    ConsentRevoked,
    InvalidClient,
    SignInFailed,
)
from engine.graph_client import GraphClient

EMAIL = "alice@example.com"
TOKEN_ROUTE = "POST /{tenant}/oauth2/v2.0/token"


@pytest.fixture
def directory(emulator, monkeypatch):
    # A CA bundle in the environment must not hide the emulator's own CA (see auth.py).
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", requests.certs.where())
    emulator.add_app(
        EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, redirect_uris=[EMULATOR_REDIRECT_URI]
    )
    emulator.add_mailbox(EMAIL, "Alice Martin")
    emulator.add_mailbox("bob@example.com", "Bob Stone")
    return emulator


@pytest.fixture
def endpoints(directory):
    return endpoints_for(
        authority_base=directory.https_url,
        graph_base=directory.graph_url,
        allow_custom_hosts=True,
        verify=directory.ca_bundle,
    )


def sign_in_app(endpoints, secret=EMULATOR_CLIENT_SECRET, cache=None):
    return MicrosoftSignIn(EMULATOR_CLIENT_ID, secret, endpoints, token_cache=cache)


def browse(auth_uri):
    """What the user's browser does: open the sign-in page, come back with its answer."""
    answer = requests.get(auth_uri, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(EMULATOR_REDIRECT_URI)
    return dict(parse_qsl(urlsplit(location).query))


def sign_in(emulator, signin, email=EMAIL, accept=True, state="state-from-odoo"):
    auth_uri, flow = signin.start(EMULATOR_REDIRECT_URI, state, login_hint=email)
    stored = json.dumps(flow)  # the caller keeps the flow server-side, as JSON
    emulator.set_consent(email, accept=accept)
    return signin.finish(json.loads(stored), browse(auth_uri))


def graph_client(endpoints, signin):
    return GraphClient(endpoints, signin.access_token, sleep=lambda seconds: None)


def token_requests(emulator):
    return emulator.counters()["requests"].get(TOKEN_ROUTE, 0)


def test_scopes_leave_the_reserved_ones_to_msal():
    assert scopes() == ["User.Read", "Calendars.ReadWrite"]
    assert scopes(tasks=True) == ["User.Read", "Calendars.ReadWrite", "Tasks.ReadWrite"]


def test_sign_in_url_uses_pkce_and_a_nonce(endpoints):
    auth_uri, flow = sign_in_app(endpoints).start(EMULATOR_REDIRECT_URI, "s-1", EMAIL)

    query = dict(parse_qsl(urlsplit(auth_uri).query))
    assert query["code_challenge_method"] == "S256" and query["code_challenge"]
    assert query["nonce"] and query["state"] == "s-1" and query["login_hint"] == EMAIL
    assert {"offline_access", "Calendars.ReadWrite", "User.Read"} <= set(query["scope"].split())
    assert query["redirect_uri"] == EMULATOR_REDIRECT_URI
    assert flow["code_verifier"] not in auth_uri  # the secret half stays server-side


def test_full_sign_in_refresh_and_revocation(directory, endpoints, caplog):
    caplog.set_level(logging.DEBUG)
    signin = sign_in_app(endpoints)

    account = sign_in(directory, signin)

    assert account["username"] == EMAIL
    assert account["name"] == "Alice Martin"
    assert account["home_account_id"]
    stored_cache = signin.serialized_cache()
    assert stored_cache and signin.serialized_cache() is None  # unchanged since

    # Later, in another request: the stored cache is all that is needed.
    later = sign_in_app(endpoints, cache=stored_cache)
    client = graph_client(endpoints, later)
    assert client.me()["mail"] == EMAIL
    assert later.serialized_cache() is None  # the cached token was still good

    # Outlook stops accepting the access token: the refresh token gets a new one.
    directory.expire_access_tokens(EMAIL)
    assert client.me()["mail"] == EMAIL
    assert token_requests(directory) == 2  # the code, then one refresh
    assert later.serialized_cache() is not None  # new tokens to store

    # The user withdraws consent: nothing can be refreshed any more.
    directory.revoke(EMAIL)
    with pytest.raises(ConsentRevoked) as info:
        client.me()
    assert "Reconnect your Outlook calendar with the Outlook button" in info.value.user_message

    secrets = [EMULATOR_CLIENT_SECRET]
    for section in ("AccessToken", "RefreshToken", "IdToken"):
        secrets += [entry["secret"] for entry in json.loads(stored_cache)[section].values()]
    assert len(secrets) == 4
    for secret in secrets:
        assert secret not in caplog.text
        assert secret not in str(info.value)


def test_access_token_is_refreshed_before_it_expires(directory, endpoints):
    # msal renews tokens that have less than five minutes left.
    directory.set_token_lifetime(120)
    signin = sign_in_app(endpoints)
    sign_in(directory, signin)

    first = signin.access_token()
    second = signin.access_token()

    assert first != second
    assert token_requests(directory) == 3


def test_signing_in_again_replaces_the_previous_account(directory, endpoints):
    signin = sign_in_app(endpoints)
    sign_in(directory, signin, EMAIL)
    sign_in(directory, signin, "bob@example.com")

    again = sign_in_app(endpoints, cache=signin.serialized_cache())
    assert graph_client(endpoints, again).me()["mail"] == "bob@example.com"


def test_wrong_client_secret_is_invalid_client(directory, endpoints):
    with pytest.raises(InvalidClient) as info:
        sign_in(directory, sign_in_app(endpoints, secret="an-expired-secret"))
    assert info.value.code == "invalid_client"
    assert "create a new client secret in Microsoft Entra ID" in info.value.user_message
    assert "an-expired-secret" not in str(info.value)


def test_refused_consent_is_consent_refused(directory, endpoints):
    with pytest.raises(ConsentRefused) as info:
        sign_in(directory, sign_in_app(endpoints), accept=False)
    assert info.value.code == "access_denied"
    assert token_requests(directory) == 0


def test_forged_state_is_refused_before_any_token_request(directory, endpoints):
    signin = sign_in_app(endpoints)
    auth_uri, flow = signin.start(EMULATOR_REDIRECT_URI, "the-real-state", login_hint=EMAIL)
    directory.set_consent(EMAIL, accept=True)
    answer = browse(auth_uri)
    answer["state"] = "forged-by-someone-else"

    with pytest.raises(SignInFailed) as info:
        signin.finish(flow, answer)
    assert "Click the Outlook button" in info.value.user_message
    assert token_requests(directory) == 0


def test_access_token_without_sign_in_asks_to_connect(directory, endpoints):
    with pytest.raises(ConsentRevoked):
        sign_in_app(endpoints).access_token()


def test_unknown_tenant_is_a_configuration_error(directory):
    endpoints = endpoints_for(
        authority_base=directory.https_url,
        graph_base=directory.graph_url,
        tenant="contoso.example",
        allow_custom_hosts=True,
        verify=directory.ca_bundle,
    )
    with pytest.raises(ConfigurationError) as info:
        sign_in_app(endpoints).start(EMULATOR_REDIRECT_URI, "s")
    assert "contoso.example" in info.value.user_message


def test_untrusted_certificate_is_a_connection_failure(directory):
    endpoints = endpoints_for(
        authority_base=directory.https_url, allow_custom_hosts=True, verify=True
    )
    with pytest.raises(ConnectionFailed) as info:
        sign_in_app(endpoints).start(EMULATOR_REDIRECT_URI, "s")
    assert "certificate" in str(info.value)


def test_unreachable_login_server_is_a_connection_failure():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoints = endpoints_for(authority_base=f"https://127.0.0.1:{port}", allow_custom_hosts=True)
    with pytest.raises(ConnectionFailed):
        sign_in_app(endpoints).start(EMULATOR_REDIRECT_URI, "s")
