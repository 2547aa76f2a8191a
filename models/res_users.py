"""Who may have a synchronized Outlook calendar: active internal users only.

- res.users: archiving a user, or making them a portal or public user, pauses their Outlook
  account and drops its Microsoft tokens and pending sign-in (a deleted user's account goes
  with the user). When the user is active and internal again, the account asks them to
  reconnect. The addon creates no Outlook change-notification subscription, so there is none
  to remove.
- outlook.account: what pausing such an account and asking its user to reconnect mean; the
  run itself refuses such accounts (``_may_run`` in outlook_account_sync.py).
"""

import logging

from odoo import fields, models

_logger = logging.getLogger(__name__)

# What a user's write may change about their right to synchronize.
ACCESS_KEYS = ("active", "groups_id", "share")
ACCESS_PREFIXES = ("in_group_", "sel_groups_")


class ResUsers(models.Model):
    _inherit = "res.users"

    outlook_account_ids = fields.One2many("outlook.account", "user_id", string="Outlook Account")

    def _outlook_may_sync(self):
        self.ensure_one()
        return bool(self.active and self._is_internal())

    def write(self, vals):
        watched = any(key in ACCESS_KEYS or key.startswith(ACCESS_PREFIXES) for key in vals)
        if not watched:
            return super().write(vals)
        users = self.sudo().with_context(active_test=False)
        before = {user.id: user._outlook_may_sync() for user in users}
        result = super().write(vals)
        for user in users:
            may_sync = user._outlook_may_sync()
            if before[user.id] and not may_sync:
                user.outlook_account_ids._outlook_stop()
            elif may_sync and not before[user.id]:
                user.outlook_account_ids._outlook_offer_reconnect()
        return result


class OutlookAccountUsers(models.Model):
    _inherit = "outlook.account"

    def _outlook_stop(self):
        """Pause these accounts and drop what could reach the mailbox (tokens, the pending
        sign-in); links and the delta link stay, so a reconnection duplicates nothing."""
        for account in self.sudo():
            values = {}
            drop_tokens = bool(account._stored("token_cache") or account._stored("sign_in_flow"))
            if drop_tokens:
                values.update(token_cache=False, sign_in_flow=False)
            if account.state != "disconnected" and account.state != "paused":
                values["state"] = "paused"
            if account.state != "disconnected":
                values["last_error"] = self.env._(
                    "Paused: %(user)s is archived or is not an internal user, and only active "
                    "internal users synchronize an Outlook calendar. The connection to Outlook "
                    "was removed.", user=account.user_id.name)
            if drop_tokens or any(account[name] != value for name, value in values.items()):
                account.write(values)
                _logger.info("Outlook account %s paused: its user may not synchronize",
                             account.id)

    def _outlook_offer_reconnect(self, message=None):
        """The user is back: they reconnect with the Outlook button (the tokens are gone)."""
        message = message or self.env._(
            "Reconnect your Outlook calendar with the Outlook button in Calendar: the "
            "connection to Outlook was removed while this user was archived or not an "
            "internal user.")
        for account in self.sudo():
            if account.state == "disconnected" or account._stored("token_cache"):
                continue
            values = {"state": "error", "last_error": message}
            if "error_action" in account._fields:  # what the Outlook button offers to fix it
                values["error_action"] = "reconnect"
            if any(account[name] != value for name, value in values.items()):
                account.write(values)
