"""The log lines of the libraries the addon uses never show what opens a mailbox.

The addon's own loggers never write these values. At DEBUG level, the libraries it uses
would: msal writes the authorization code and the PKCE verifier of a sign-in, urllib3 the
delta tokens of Graph's URLs, Odoo's "odoo.api" the arguments of RPC calls (the Client
Secret an administrator saves); and Odoo's access log (werkzeug, INFO) the authorization
code of the sign-in redirect. A filter on exactly those loggers hides the values.
"""

import logging
import re

import msal  # noqa: F401 - its loggers exist from here on: they get the filter below

_HIDDEN = "(hidden)"
# What the sign-in and Graph send: hidden in URLs everywhere, and in msal's dumps.
_OAUTH_NAMES = ("code", "code_verifier", "client_secret", "client_assertion", "refresh_token",
                "access_token", "id_token")
# The addon's fields: hidden in Odoo's dumps of RPC arguments.
_FIELD_NAMES = ("outlook_client_secret", "token_cache", "sign_in_flow", "delta_link")


def _in_dicts(names):
    """ "name": "value" and 'name': 'value' (JSON, Python reprs) """
    alternatives = "|".join(names)
    pattern = r"""(["'](?:""" + alternatives + r""")["']\s*:\s*)(["'])(?:\\.|(?!\2).)*\2"""
    return re.compile(pattern), r"\1'" + _HIDDEN + "'"


_IN_URLS = (re.compile(r"([?&](?:\$deltatoken|\$skiptoken|" + "|".join(_OAUTH_NAMES)
                       + r")=)[^&\s\"']+"), r"\1" + _HIDDEN)
_REDACTIONS = (_IN_URLS, _in_dicts(_FIELD_NAMES))
_MSAL_REDACTIONS = (*_REDACTIONS, _in_dicts(_OAUTH_NAMES))
_REDACTED_LOGGERS = ("urllib3.connectionpool", "werkzeug", "odoo.api")


def redact(text, redactions=_REDACTIONS):
    for pattern, replacement in redactions:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Hides sign-in codes, verifiers, tokens, delta tokens and the Client Secret."""

    def __init__(self, redactions=_REDACTIONS):
        super().__init__()
        self.redactions = redactions

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is logging's business, not ours
            return True
        redacted = redact(message, self.redactions)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install_log_redaction():
    """Put the filter on the loggers that need it (a filter acts on its own logger only: msal's
    loggers are taken one by one)."""
    msal_names = {name for name in logging.root.manager.loggerDict
                  if name == "msal" or name.startswith("msal.")}
    for name in msal_names | set(_REDACTED_LOGGERS):
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactSecrets) for existing in logger.filters):
            logger.addFilter(RedactSecrets(
                _MSAL_REDACTIONS if name in msal_names else _REDACTIONS))


install_log_redaction()
