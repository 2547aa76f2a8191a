"""The Microsoft sign-in of an Outlook account: a signed state, msal's auth-code flow.

The state is signed with the database secret, bound to the user, valid a few minutes and
usable once; the PKCE flow waits on the account until Microsoft sends the user back.
"""

import base64
import json
import logging
import secrets
import time

from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import consteq
from odoo.tools.misc import hmac as odoo_hmac

from ..engine.auth import MicrosoftSignIn
from ..engine.errors import SignInFailed
from .outlook_settings import read_settings

_logger = logging.getLogger(__name__)

SIGN_IN_TTL = 600  # seconds a sign-in started in Odoo may take at Microsoft
STATE_SCOPE = "outlook_calendar_sync.sign_in"


def safe_return_url(url):
    """Only a path of this Odoo (same origin) may be returned to after signing in."""
    url = (url or "").strip()
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return "/odoo/calendar"
    return url


class OutlookAccountSignIn(models.Model):
    _inherit = "outlook.account"

    def _sign_in_client(self, settings=None):
        settings = settings or read_settings(self.env)
        if not settings.configured:
            raise UserError(_("Outlook synchronization is not configured yet: an administrator "
                              "must enter the Client ID and Client Secret in Calendar settings."))
        return MicrosoftSignIn(
            settings.client_id, settings.client_secret, settings.endpoints(),
            token_cache=self.sudo().token_cache or None,
        ), settings

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
        """The state's content when it is genuine, fresh and this account's; else SignInFailed."""
        payload, _sep, signature = (state or "").partition(".")
        expected = odoo_hmac(self.env(su=True), STATE_SCOPE, payload)
        if not signature or not consteq(signature, expected):
            raise SignInFailed("the sign-in state was not issued by this database")
        content = json.loads(base64.urlsafe_b64decode(payload.encode()))
        if content.get("uid") != self.user_id.id:
            raise SignInFailed("the sign-in was started by another user")
        if content.get("exp", 0) < time.time():
            raise SignInFailed("the sign-in took too long")
        return content

    def _start_sign_in(self, return_url=None):
        """The Microsoft sign-in URL for this account's user; remembers the pending flow."""
        self.ensure_one()
        client, settings = self._sign_in_client()
        auth_uri, flow = client.start(settings.redirect_uri, self._make_state(return_url),
                                      login_hint=self.mailbox or None)
        self.sudo().sign_in_flow = json.dumps(flow)
        return auth_uri

    def _finish_sign_in(self, params):
        """Complete the sign-in from Microsoft's redirect; returns the URL to go back to.

        Raises SyncError subclasses whose user_message says what to do.
        """
        self.ensure_one()
        account = self.sudo()
        flow_text, account.sign_in_flow = account.sign_in_flow, False  # one use only
        content = self._read_state(params.get("state"))
        if not flow_text:
            raise SignInFailed("no sign-in is pending for this user (already used?)")
        client, _settings = self._sign_in_client()
        identity = client.finish(json.loads(flow_text), params)
        account.write({
            "token_cache": client.serialized_cache() or account.token_cache,
            "mailbox": identity.get("username") or account.mailbox,
            "state": "connected",
            "last_error": False,
        })
        _logger.info("Outlook account of user %s connected", self.user_id.id)
        return content["return"]

    def _keep_tokens(self, sign_in):
        """Store the token cache when the sign-in refreshed it."""
        cache = sign_in and sign_in.serialized_cache()
        if cache:
            self.sudo().token_cache = cache
