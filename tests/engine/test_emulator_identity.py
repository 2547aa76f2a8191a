"""The emulated identity platform, driven by a real msal client and a browser-like client."""

import base64
import hashlib
import json
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import msal
import pytest
import requests
from conftest import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, EMULATOR_REDIRECT_URI

EMAIL = "alice@example.com"
SCOPES = ["Calendars.ReadWrite"]
TOKEN_ROUTE = "POST /{tenant}/oauth2/v2.0/token"
# msal suggests form_post; the query response mode is what these tests read.
pytestmark = pytest.mark.filterwarnings("ignore:response_mode:UserWarning")


@pytest.fixture
def directory(emulator, monkeypatch):
    # requests lets these variables override a Session's `verify`, which is where msal
    # puts its verify= argument: without this, the emulator's CA would be ignored.
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    emulator.add_app(EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET,
                     redirect_uris=[EMULATOR_REDIRECT_URI])
    emulator.add_mailbox(EMAIL, "Alice Martin")
    return emulator


def msal_app(emulator, secret=EMULATOR_CLIENT_SECRET):
    return msal.ConfidentialClientApplication(
        EMULATOR_CLIENT_ID, client_credential=secret,
        authority=emulator.https_url + "/common", validate_authority=False,
        instance_discovery=False, verify=emulator.ca_bundle)


def browse(auth_uri):
    """Follow the authorize URL like a browser would, up to the app's redirect."""
    answer = requests.get(auth_uri, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(EMULATOR_REDIRECT_URI)
    return dict(parse_qsl(urlsplit(location).query))


def sign_in(emulator, app):
    flow = app.initiate_auth_code_flow(SCOPES, redirect_uri=EMULATOR_REDIRECT_URI)
    emulator.set_consent(EMAIL, accept=True)
    return app.acquire_token_by_auth_code_flow(flow, browse(flow["auth_uri"]))


def claims(jwt):
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def graph_me(emulator, token):
    return requests.get(emulator.graph_url + "/me", timeout=10,
                        headers={"Authorization": f"Bearer {token}"})


def test_msal_signs_in_refreshes_and_loses_a_revoked_grant(directory):
    # An access token living less than msal's 5 minute margin makes msal refresh it.
    directory.set_token_lifetime(120)
    app = msal_app(directory)

    first = sign_in(directory, app)
    assert "access_token" in first, first
    assert first["id_token_claims"]["preferred_username"] == EMAIL
    assert first["id_token_claims"]["aud"] == EMULATOR_CLIENT_ID
    assert graph_me(directory, first["access_token"]).json()["mail"] == EMAIL

    directory.expire_access_tokens(EMAIL)
    assert graph_me(directory, first["access_token"]).status_code == 401
    account = app.get_accounts(username=EMAIL)[0]
    refreshed = app.acquire_token_silent(SCOPES, account=account)
    assert refreshed["access_token"] != first["access_token"]
    assert graph_me(directory, refreshed["access_token"]).status_code == 200
    assert directory.counters()["requests"][TOKEN_ROUTE] == 2

    directory.revoke(EMAIL)
    assert graph_me(directory, refreshed["access_token"]).status_code == 401
    failed = app.acquire_token_silent_with_error(SCOPES, account=account)
    assert failed["error"] == "invalid_grant"
    assert "AADSTS50173" in failed["error_description"]


def test_id_token_carries_the_nonce_of_the_authorize_request(directory):
    app = msal_app(directory)
    flow = app.initiate_auth_code_flow(SCOPES, redirect_uri=EMULATOR_REDIRECT_URI)
    sent_nonce = dict(parse_qsl(urlsplit(flow["auth_uri"]).query))["nonce"]
    directory.set_consent(EMAIL, accept=True)
    result = app.acquire_token_by_auth_code_flow(flow, browse(flow["auth_uri"]))
    token_claims = claims(result["id_token"])
    assert token_claims["nonce"] == sent_nonce
    assert {"iss", "iat", "nbf", "exp", "oid", "tid", "sub", "name"} <= set(token_claims)


def test_wrong_client_secret_is_invalid_client(directory):
    result = sign_in(directory, msal_app(directory, secret="not-the-secret"))
    assert result["error"] == "invalid_client"
    assert "AADSTS7000215" in result["error_description"]


def test_refused_consent_redirects_with_access_denied_and_state(directory):
    app = msal_app(directory)
    flow = app.initiate_auth_code_flow(SCOPES, redirect_uri=EMULATOR_REDIRECT_URI)
    directory.set_consent(EMAIL, accept=False)
    answer = browse(flow["auth_uri"])
    assert answer["error"] == "access_denied"
    assert answer["error_description"].startswith("AADSTS65004")
    assert answer["state"] == flow["state"]


def authorize_url(emulator, **overrides):
    params = {"client_id": EMULATOR_CLIENT_ID, "response_type": "code",
              "redirect_uri": EMULATOR_REDIRECT_URI,
              "scope": "openid offline_access Calendars.ReadWrite",
              "state": "s1"}
    params.update(overrides)
    return f"{emulator.base_url}/common/oauth2/v2.0/authorize?{urlencode(params)}"


def test_unknown_client_gets_an_error_page_not_a_redirect(directory):
    answer = requests.get(authorize_url(directory, client_id="unknown-app"),
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 400
    assert "AADSTS700016" in answer.text


def test_unregistered_redirect_uri_gets_an_error_page(directory):
    answer = requests.get(authorize_url(directory, redirect_uri="https://evil.example/cb"),
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 400
    assert "AADSTS50011" in answer.text
    assert "Location" not in answer.headers


def test_consent_page_accepts_for_the_chosen_mailbox(directory):
    directory.add_mailbox("bob@example.com", "Bob Durand")
    page = requests.get(authorize_url(directory, login_hint="bob@example.com"), timeout=10)
    assert page.status_code == 200
    assert "Accept" in page.text and "Cancel" in page.text
    assert re.search(r"<option value='bob@example.com' selected>", page.text)
    fields = dict(re.findall(r"<input type='hidden' name='([^']+)' value='([^']*)'>",
                             page.text))
    fields.update(login_email="bob@example.com", consent_action="accept")
    answer = requests.post(authorize_url(directory).split("?")[0], data=fields,
                           allow_redirects=False, timeout=10)
    query = dict(parse_qsl(urlsplit(answer.headers["Location"]).query))
    assert query["state"] == "s1" and query["code"]
    tokens = redeem(directory, query["code"]).json()
    assert claims(tokens["id_token"])["preferred_username"] == "bob@example.com"


def test_consent_page_cancel_redirects_with_access_denied(directory):
    answer = requests.post(
        f"{directory.base_url}/common/oauth2/v2.0/authorize", allow_redirects=False,
        data={"client_id": EMULATOR_CLIENT_ID, "response_type": "code", "state": "xyz",
              "redirect_uri": EMULATOR_REDIRECT_URI, "consent_action": "cancel"}, timeout=10)
    query = dict(parse_qsl(urlsplit(answer.headers["Location"]).query))
    assert query["error"] == "access_denied" and query["state"] == "xyz"


def redeem(emulator, code, **extra):
    data = {"client_id": EMULATOR_CLIENT_ID, "client_secret": EMULATOR_CLIENT_SECRET,
            "grant_type": "authorization_code", "code": code,
            "redirect_uri": EMULATOR_REDIRECT_URI, "scope": "openid offline_access"}
    data.update(extra)
    return requests.post(f"{emulator.https_url}/common/oauth2/v2.0/token", data=data,
                         verify=emulator.ca_bundle, timeout=10)


def code_for(emulator, **params):
    emulator.set_consent(EMAIL, accept=True)
    answer = requests.get(authorize_url(emulator, **params), allow_redirects=False, timeout=10)
    return dict(parse_qsl(urlsplit(answer.headers["Location"]).query))["code"]


def test_a_code_is_redeemed_once(directory):
    code = code_for(directory)
    first = redeem(directory, code)
    assert first.status_code == 200
    assert set(first.json()) >= {"token_type", "scope", "expires_in", "ext_expires_in",
                                 "access_token", "refresh_token", "id_token"}
    again = redeem(directory, code)
    assert again.status_code == 400
    error = again.json()
    assert error["error"] == "invalid_grant" and error["error_codes"] == [54005]
    assert {"timestamp", "trace_id", "correlation_id"} <= set(error)


def test_pkce_verifier_must_match_the_challenge(directory):
    verifier = "a-verifier-that-is-long-enough-to-be-valid-0123456789abcdef"
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    code = code_for(directory, code_challenge=challenge, code_challenge_method="S256")
    wrong = redeem(directory, code, code_verifier="another-verifier")
    assert wrong.json()["error_codes"] == [501481]
    code = code_for(directory, code_challenge=challenge, code_challenge_method="S256")
    assert redeem(directory, code, code_verifier=verifier).status_code == 200


def test_openid_configuration_points_browsers_to_http_and_msal_to_https(directory):
    config = requests.get(f"{directory.base_url}/organizations/v2.0/.well-known/"
                          "openid-configuration", timeout=10).json()
    assert config["authorization_endpoint"].startswith(directory.base_url)
    assert config["token_endpoint"] == (f"{directory.https_url}/organizations"
                                        "/oauth2/v2.0/token")


def test_graph_answers_401_without_a_valid_token(directory):
    no_token = requests.get(directory.graph_url + "/me", timeout=10)
    assert no_token.status_code == 401
    assert no_token.json()["error"]["code"] == "InvalidAuthenticationToken"
    assert graph_me(directory, "made-up").status_code == 401
