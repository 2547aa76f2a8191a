"""Upgrade to encrypted storage: encrypt what earlier versions stored plain (tokens, pending
sign-ins, delta links, the Client Secret; outlook.account's ``init`` does it at every update,
this makes sure it is done), and pause the accounts of users who may not synchronize
(archived, portal, public), dropping their tokens."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.addons.outlook_calendar_sync.models.secret_box import (
    SecretKeyUnavailable,
    seal_stored_values,
)

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    try:
        seal_stored_values(env)
    except SecretKeyUnavailable:
        _logger.warning(
            "Outlook Calendar Sync could not encrypt its stored sign-ins: this server has no "
            "encryption key (set the outlook_sync_key option or the OUTLOOK_SYNC_KEY "
            "environment variable, then update the module again)")
    accounts = env["outlook.account"].search([]).filtered(lambda a: not a._user_may_sync())
    accounts._outlook_stop()
