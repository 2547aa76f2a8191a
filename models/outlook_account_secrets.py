"""An Outlook account's stored secrets: its Microsoft tokens, pending sign-in and delta link,
encrypted at rest (models/secret_box.py), and what the user is told when they cannot be read
(a copied database, a changed or missing encryption key).
"""

import logging

from odoo import api, models

from ..engine.errors import ConfigurationError, ConsentRevoked
from ..engine.i18n import _lt
from . import secret_box

_logger = logging.getLogger(__name__)


class StoredSignInUnreadable(ConsentRevoked):
    """The stored tokens were encrypted with another key: a copied database, a changed key."""

    hint = _lt(
        "The Outlook connection saved in this database cannot be read on this server: the "
        "database was copied from another server, or the server's encryption key changed. "
        "Reconnect your Outlook calendar with the Outlook button in Calendar.")


class ClientSecretUnreadable(ConfigurationError):
    """The stored Client Secret was encrypted with another key."""

    hint = _lt(
        "The Client Secret saved in this database cannot be read on this server: the database "
        "was copied from another server, or the server's encryption key changed. An "
        "administrator must enter the Client Secret again in Calendar settings.")

    @property
    def user_message(self):
        return self.hint


class EncryptionKeyMissing(ConfigurationError):
    """No key to encrypt tokens with: nothing is stored, the administrator is told."""

    hint = _lt(
        "Outlook Calendar Sync has no encryption key on this server, so it cannot store "
        "Microsoft sign-ins safely. An administrator must set the outlook_sync_key option in "
        "the Odoo server configuration file (or the OUTLOOK_SYNC_KEY environment variable) "
        "to a random text of at least 32 characters, and restart Odoo.")

    @property
    def user_message(self):
        return self.hint


class OutlookAccountSecrets(models.Model):
    _inherit = "outlook.account"

    # Declared in outlook_account.py; stored encrypted (same groups, same help).
    token_cache = secret_box.SealedText()
    sign_in_flow = secret_box.SealedText()
    delta_link = secret_box.SealedChar()

    @api.private
    def init(self):
        """At every install and update: encrypt what is still stored plain (values written
        before encryption existed)."""
        super().init()
        try:
            count = secret_box.seal_stored_values(self.env)
        except secret_box.SecretKeyUnavailable:
            _logger.warning("Outlook Calendar Sync cannot encrypt its stored sign-ins: this "
                            "server has no encryption key (set the outlook_sync_key option or "
                            "the OUTLOOK_SYNC_KEY environment variable, then update the module)")
        else:
            if count:
                _logger.info("Outlook Calendar Sync encrypted %s stored values", count)

    def _stored(self, field_name):
        """The value of `field_name` as the database holds it (encrypted)."""
        self.flush_recordset([field_name])
        self.env.cr.execute(f"SELECT {field_name} FROM outlook_account WHERE id = %s",  # noqa: S608
                            [self.id])
        row = self.env.cr.fetchone()
        return row and row[0]

    def _read_token_cache(self):
        """The stored token cache, decrypted; None when there is none.

        Raises StoredSignInUnreadable (reconnect) when it was encrypted with another key, and
        EncryptionKeyMissing when this server has no key at all.
        """
        self.ensure_one()
        try:
            return secret_box.unseal(self.env, self.sudo()._stored("token_cache")) or None
        except secret_box.SecretUnreadable:
            _logger.warning("Outlook account %s: its stored sign-in was encrypted with another "
                            "key (copied database or changed key); the user must reconnect",
                            self.id)
            raise StoredSignInUnreadable(f"account {self.id}") from None
        except secret_box.SecretKeyUnavailable:
            raise EncryptionKeyMissing(f"account {self.id}") from None

    def _keep_tokens(self, sign_in):
        """Store the token cache when the sign-in refreshed it (encrypted)."""
        cache = sign_in and sign_in.serialized_cache()
        if cache:
            self.sudo().token_cache = cache

    def _check_encryption_key(self):
        if secret_box.key_problem(self.env):
            raise EncryptionKeyMissing("no encryption key")

