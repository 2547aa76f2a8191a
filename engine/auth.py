"""Signing a user in at Microsoft and keeping their access token fresh (msal).

One ``MicrosoftSignIn`` serves one Odoo user: its token cache (msal's JSON, stored by the
caller where only system administrators can read it) holds that user's single account.
Tokens are never logged and never appear in error messages.
"""

import logging
import warnings
from urllib.parse import urlsplit

import msal
import requests

from .endpoints import MICROSOFT_LOGIN_HOSTS
from .errors import (
    ConfigurationError,
    ConnectionFailed,
    ConsentRevoked,
    SignInFailed,
    SyncError,
    from_oauth_error,
)
from .i18n import Text, _lt

_logger = logging.getLogger(__name__)

_BASE_SCOPES = ("User.Read", "Calendars.ReadWrite")
_TASK_SCOPES = ("Tasks.ReadWrite",)


def scopes(tasks=False) -> list[str]:
    """Permissions asked of the user.

    msal always adds offline_access (refresh tokens), openid and profile itself and
    refuses them when passed, so they are not listed here. Short names are valid in every
    Microsoft cloud: each resolves them to its own Graph.
    """
    return list(_BASE_SCOPES + (_TASK_SCOPES if tasks else ()))


class MicrosoftSignIn:
    def __init__(
        self, client_id, client_secret, endpoints, token_cache=None, tasks=False, timeout=(5, 30)
    ):
        self.endpoints = endpoints
        self.scopes = scopes(tasks)
        self._client_id = client_id
        self._client_secret = client_secret
        self._timeout = timeout
        self._cache = msal.SerializableTokenCache()
        if token_cache:
            self._cache.deserialize(token_cache)
        self._msal_app = None

    def start(self, redirect_uri, state, login_hint=None, prompt=None) -> tuple[str, dict]:
        """The Microsoft sign-in URL and the flow to keep server-side until the redirect.

        msal adds PKCE (S256) and a nonce; the flow holds them, so it must never reach the
        browser. The answer comes back as a query string (not form_post): a cross-site
        POST would arrive without the Odoo session cookie.
        """
        with warnings.catch_warnings():
            # msal recommends form_post; see above why the query mode is the right one here.
            warnings.filterwarnings("ignore", "response_mode='form_post'", UserWarning)
            flow = self._call(
                lambda app: app.initiate_auth_code_flow(
                    self.scopes,
                    redirect_uri=redirect_uri,
                    state=state,
                    login_hint=login_hint,
                    prompt=prompt,
                )
            )
        return flow["auth_uri"], flow

    def finish(self, flow: dict, params: dict) -> dict:
        """Redeem the redirect's code; the signed-in account becomes the cache's only one."""
        try:
            # msal edits the flow it receives: give it copies.
            result = self._call(
                lambda app: app.acquire_token_by_auth_code_flow(dict(flow), dict(params))
            )
        except (ValueError, RuntimeError) as exc:
            # msal's checks of state and nonce: a forged, replayed or stale answer.
            _logger.warning("Outlook sign-in answer rejected: %s", type(exc).__name__)
            raise SignInFailed("The sign-in answer does not match the sign-in started.") from None
        if "error" in result:
            raise from_oauth_error(result)
        claims = result.get("id_token_claims") or {}
        account = self._keep_only(claims)
        return {
            "username": account.get("username") or claims.get("preferred_username", ""),
            "name": claims.get("name", ""),
            "home_account_id": account.get("home_account_id"),
        }

    def access_token(self, force_refresh=False) -> str:
        """A valid access token, refreshed with the refresh token when needed.

        ``force_refresh`` skips the cached access token: Graph may refuse a token before
        its expiry (revoked sessions, password change, policy change).
        """
        accounts = self._call(lambda app: app.get_accounts())
        if not accounts:
            raise ConsentRevoked("No Outlook account is connected for this user.")
        result = self._call(
            lambda app: app.acquire_token_silent_with_error(
                self.scopes, accounts[0], force_refresh=force_refresh
            )
        )
        if not result:
            raise ConsentRevoked("The stored sign-in cannot be refreshed any more.")
        if "error" in result:
            raise from_oauth_error(result)
        return result["access_token"]

    def serialized_cache(self) -> str | None:
        """The token cache to store, or None when nothing changed since it was loaded."""
        return self._cache.serialize() if self._cache.has_state_changed else None

    # ------------------------------------------------------------------ msal plumbing

    def _application(self):
        """msal's application, created on first use: creating it asks Microsoft (or the
        configured server) for the tenant's endpoints."""
        if self._msal_app is None:
            self._msal_app = msal.ConfidentialClientApplication(
                self._client_id,
                client_credential=self._client_secret,
                authority=self.endpoints.authority,
                token_cache=self._cache,
                http_client=_LoginSession(self.endpoints.verify, self._timeout),
                **self._discovery_options(),
            )
        return self._msal_app

    def _discovery_options(self):
        """msal checks authorities against Microsoft's list; custom hosts (already allowed
        by the administrator, see endpoints.py) must skip that check."""
        host = (urlsplit(self.endpoints.authority_base).hostname or "").lower()
        if host in MICROSOFT_LOGIN_HOSTS:
            return {}
        return {"validate_authority": False, "instance_discovery": False}

    def _call(self, action):
        """Run an msal action, turning network and configuration failures into SyncErrors."""
        try:
            return action(self._application())
        except requests.exceptions.SSLError:
            raise ConnectionFailed("The certificate of the login server is not trusted.") from None
        except requests.RequestException as exc:
            raise ConnectionFailed(
                f"The login server could not be reached ({type(exc).__name__})."
            ) from None
        except ValueError:
            if self._msal_app is None:  # msal could not load the tenant's configuration.
                raise ConfigurationError(text=Text(
                    _lt('Microsoft does not know the tenant "%(tenant)s" at %(address)s. Check '
                        "the tenant and the login address in Calendar settings."),
                    tenant=self.endpoints.tenant, address=self.endpoints.authority_base,
                )) from None
            raise

    def _keep_only(self, claims):
        """The account just signed in; other accounts are removed from the cache so that
        ``access_token`` can never pick the wrong mailbox."""
        accounts = self._call(lambda app: app.get_accounts())
        object_id = claims.get("oid") or claims.get("sub")
        chosen = next(
            (a for a in accounts if object_id and a.get("local_account_id") == object_id),
            accounts[-1] if accounts else None,
        )
        if chosen is None:
            raise SyncError("Microsoft did not return the account that signed in.")
        for other in accounts:
            if other["home_account_id"] != chosen["home_account_id"]:
                self._call(lambda app, account=other: app.remove_account(account))
        return chosen


class _LoginSession(requests.Session):
    """The HTTP session msal uses: every call has a timeout and the configured ``verify``.

    ``verify`` is passed with each request because requests lets REQUESTS_CA_BUNDLE or
    CURL_CA_BUNDLE override a session-wide value, which would ignore a private CA bundle.
    """

    def __init__(self, verify, timeout):
        super().__init__()
        self._verify = verify
        self._timeout = timeout
        # One quiet retry of a failed connection, as msal's own session does.
        adapter = requests.adapters.HTTPAdapter(max_retries=1)
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", self._timeout)
        kwargs.setdefault("verify", self._verify)
        return super().request(method, url, **kwargs)
