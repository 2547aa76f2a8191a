"""The Microsoft sign-in of an Outlook account: a signed state, msal's auth-code flow, and
the tokens it gives.

The state is signed with the database secret, bound to the user, valid a few minutes and
usable once; the PKCE flow waits on the account until Microsoft sends the user back. A
pending sign-in is used up only by the answer it is waiting for: a forged, stale or foreign
answer leaves it in place.

Tokens, the pending flow and the delta link are stored encrypted (outlook_account_secrets.py);
only active internal users sign in (see also res_users.py).
"""

import base64
import json
import logging
import secrets
import time
import unicodedata
from urllib.parse import urlsplit, urlunsplit

from odoo import _, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import consteq
from odoo.tools.misc import hmac as odoo_hmac

from ..engine.auth import MicrosoftSignIn
from ..engine.errors import SignInFailed
from . import secret_box
from .outlook_account_secrets import ClientSecretUnreadable
from .outlook_settings import read_settings

_logger = logging.getLogger(__name__)

SIGN_IN_TTL = 600  # seconds a sign-in started in Odoo may take at Microsoft
STATE_SCOPE = "outlook_calendar_sync.sign_in"
DEFAULT_RETURN_URL = "/odoo/calendar"
MAX_RETURN_URL = 2000
MAX_STATE = 4000


def safe_return_url(url):
    """`url` when it is a path of this Odoo (same origin), else the calendar.

    Accepted: a path starting with a single "/", with no scheme, no host, no backslash and
    no control or whitespace character (browsers drop tabs and newlines, so "/\\t/evil"
    would lead to "//evil"). Anything else, whatever its type, gives the calendar.
    """
    if not isinstance(url, str):
        return DEFAULT_RETURN_URL
    url = url.strip()
    if not url or len(url) > MAX_RETURN_URL or "\\" in url or any(
            char.isspace() or unicodedata.category(char).startswith("C") for char in url):
        return DEFAULT_RETURN_URL
    try:
        parts = urlsplit(url)
    except ValueError:
        return DEFAULT_RETURN_URL
    if parts.scheme or parts.netloc or not parts.path.startswith("/") \
            or parts.path.startswith("//"):
        return DEFAULT_RETURN_URL
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))


class OutlookAccountSignIn(models.Model):
    _inherit = "outlook.account"

    # -- who may sign in ---------------------------------------------------------------------

    def _user_may_sync(self):
        """Only active internal users have a synchronized Outlook calendar."""
        user = self.sudo().user_id
        return bool(user.active and user._is_internal())

    def _check_user_may_sync(self):
        if not self._user_may_sync():
            raise AccessError(self.env._(
                "Only active internal users can connect an Outlook calendar."))

    # -- msal --------------------------------------------------------------------------------

    def _sign_in_client(self, settings=None, for_sign_in=False):
        """msal for this account. For a synchronization, stored tokens that cannot be read
        are an error that says so; a new sign-in simply starts without them."""
        settings = settings or read_settings(self.env)
        if not settings.configured:
            raise UserError(_("Outlook synchronization is not configured yet: an administrator "
                              "must enter the Client ID and Client Secret in Calendar settings."))
        self._check_encryption_key()
        if settings.client_secret_unreadable:
            raise ClientSecretUnreadable("client secret")
        if not self._user_may_sync():
            raise AccessError(self.env._(
                "Only active internal users can synchronize an Outlook calendar."))
        if for_sign_in:
            token_cache = secret_box.unseal_or_false(self.env, self.sudo()._stored("token_cache"))
        else:
            token_cache = self._read_token_cache()
        return MicrosoftSignIn(
            settings.client_id, settings.client_secret, settings.endpoints(),
            token_cache=token_cache or None,
        ), settings

    # -- the state ---------------------------------------------------------------------------

    def _make_state(self, return_url):
        """A sign-in state only this database can make, for this user, valid a few minutes."""
        payload = base64.urlsafe_b64encode(json.dumps({
            "uid": self.user_id.id,
            "exp": int(time.time()) + SIGN_IN_TTL,
            "nonce": secrets.token_urlsafe(12),
            "return": safe_return_url(return_url),
        }).encode()).decode()
        return f"{payload}.{odoo_hmac(self.env(su=True), STATE_SCOPE, payload)}"

    def _read_state(self, state):
        """The state's content when it is genuine, fresh and this account's; else SignInFailed.

        Any input is answered with SignInFailed, never another error.
        """
        if not isinstance(state, str) or not state or len(state) > MAX_STATE:
            raise SignInFailed("the sign-in state is missing or not well-formed")
        payload, _sep, signature = state.partition(".")
        expected = odoo_hmac(self.env(su=True), STATE_SCOPE, payload)
        if not signature or not consteq(signature.encode(), expected.encode()):
            raise SignInFailed("the sign-in state was not issued by this database")
        try:
            content = json.loads(base64.urlsafe_b64decode(payload.encode()))
        except ValueError:
            raise SignInFailed("the sign-in state is not well-formed") from None
        if not isinstance(content, dict):
            raise SignInFailed("the sign-in state is not well-formed")
        if content.get("uid") != self.user_id.id:
            raise SignInFailed("the sign-in was started by another user")
        expires = content.get("exp")
        if not isinstance(expires, int) or expires < time.time():
            raise SignInFailed("the sign-in took too long")
        content["return"] = safe_return_url(content.get("return"))
        return content

    # -- signing in --------------------------------------------------------------------------

    def _start_sign_in(self, return_url=None):
        """The Microsoft sign-in URL for this account's user; remembers the pending flow."""
        self.ensure_one()
        self._check_user_may_sync()
        client, settings = self._sign_in_client(for_sign_in=True)
        auth_uri, flow = client.start(settings.redirect_uri, self._make_state(return_url),
                                      login_hint=self.mailbox or None)
        self.sudo().sign_in_flow = json.dumps(flow)
        return auth_uri

    def _pending_flow(self):
        """The sign-in waiting for Microsoft's answer, or None."""
        text = self.sudo().sign_in_flow
        try:
            flow = json.loads(text) if text else None
        except ValueError:
            return None
        return flow if isinstance(flow, dict) else None

    def _finish_sign_in(self, params):
        """Complete the sign-in from Microsoft's redirect; returns the URL to go back to.

        The pending sign-in is used up only once the answer has proven to be its own: a
        signed, fresh state of this user, the very state the pending sign-in waits for.
        Raises SyncError subclasses whose user_message says what to do.
        """
        self.ensure_one()
        self._check_user_may_sync()
        state = params.get("state")
        content = self._read_state(state)
        flow = self._pending_flow()
        if not flow:
            raise SignInFailed("no sign-in is pending for this user (already used?)")
        if not consteq(str(flow.get("state") or "").encode(), state.encode()):
            raise SignInFailed("the answer is not for the sign-in pending")
        account = self.sudo()
        account.sign_in_flow = False  # one use only
        client, _settings = self._sign_in_client(for_sign_in=True)
        identity = client.finish(flow, params)
        account.write({
            "token_cache": client.serialized_cache() or account.token_cache,
            "mailbox": identity.get("username") or account.mailbox,
            "state": "connected",
            "last_error": False,
        })
        _logger.info("Outlook account of user %s connected", self.user_id.id)
        return content["return"]
