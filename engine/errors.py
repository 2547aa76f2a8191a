"""Typed errors of the Outlook synchronization, built from Microsoft's error answers.

Every error carries Microsoft's error ``code`` when there is one, the HTTP ``status``,
a technical ``detail`` for the sync log (``str(error)``) and a ``user_text``: a translatable
sentence (``engine.i18n.Text``) that tells the user what to do next, shown with
``message(translate)`` (``user_message`` is its English). None of them ever holds a token,
a secret or a URL query string (delta links carry sync tokens).
"""

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from requests.structures import CaseInsensitiveDict

from .i18n import Text, _lt

# Long enough for Microsoft's explanations, short enough for a notification.
_MAX_DETAIL = 300
_URL_QUERY = re.compile(r"(https?://[^\s?#\"']+)[?#][^\s\"']*")


def clean_detail(text):
    """Microsoft's message, made safe for logs and users: no URL query strings, bounded."""
    text = " ".join(str(text or "").split())
    text = _URL_QUERY.sub(r"\1", text)
    if len(text) > _MAX_DETAIL:
        text = text[: _MAX_DETAIL - 1] + "…"
    return text


def _cleaned(text):
    """``text`` with its details made safe as ``clean_detail`` makes them (no URL query
    strings, bounded): a detail may be an address or Microsoft's own words."""
    if text is None:
        return None
    params = {name: _cleaned(value) if isinstance(value, Text)
              else clean_detail(value) if isinstance(value, str) else value
              for name, value in text.params.items()}
    return Text(text.message, **params)


class SyncError(Exception):
    """Base of every synchronization error."""

    hint = _lt(
        "The synchronization with Outlook failed. It will be tried again at the next "
        "synchronization; if the problem persists, ask your administrator to check the "
        "synchronization log."
    )

    def __init__(self, detail="", *, code=None, status=None, text=None):
        self._text = _cleaned(text)
        self.detail = clean_detail(detail or (self._text.render() if self._text else ""))
        self.code = code
        self.status = status
        super().__init__(self.detail)

    @property
    def user_text(self):
        """What the user reads: the sentence given for this error, else its kind's hint."""
        return self._text or Text(self.hint)

    @property
    def user_message(self):
        return self.user_text.render()

    def message(self, translate):
        """The user's sentence in their language (``translate``: English -> translated)."""
        return self.user_text.render(translate)

    def __str__(self):
        parts = [type(self).__name__]
        if self.status:
            parts.append(str(self.status))
        if self.code:
            parts.append(str(self.code))
        text = " ".join(parts)
        return f"{text}: {self.detail}" if self.detail else text


class ConfigurationError(SyncError):
    """A setting is wrong; the detail says which one and how to fix it."""

    hint = _lt("The Outlook synchronization is not configured correctly: check Calendar settings.")


class InvalidClient(SyncError):
    """Microsoft refused the application's Client ID or Client Secret."""

    hint = _lt(
        "Microsoft refused this Odoo's Outlook application (wrong Client ID or Client Secret, "
        "or the secret has expired). Ask your administrator to create a new client secret in "
        "Microsoft Entra ID and paste it in Calendar settings, and to check the Client ID there."
    )


class ConsentRefused(SyncError):
    """The user (or their organization) did not grant the requested permissions."""

    hint = _lt(
        "Access to your Outlook calendar was not granted. Click the Outlook button again and "
        "accept the requested permissions; if your organization blocks them, ask your "
        "Microsoft 365 administrator to grant consent for this application."
    )


class ConsentRevoked(SyncError):
    """The stored sign-in no longer works (revoked, expired or password changed)."""

    hint = _lt(
        "Odoo can no longer access your Outlook calendar: the permission was revoked or has "
        "expired. Reconnect your Outlook calendar with the Outlook button in Calendar."
    )


class SignInFailed(SyncError):
    """The answer from the Microsoft sign-in page cannot be trusted or used."""

    hint = _lt(
        "The Outlook sign-in could not be completed: the sign-in link had expired or was not "
        "started from this Odoo session. Click the Outlook button in Calendar again."
    )


class Throttled(SyncError):
    """Microsoft asks to slow down; ``retry_after`` is in seconds when it said so."""

    hint = _lt(
        "Outlook is limiting the number of requests from Odoo for now. Nothing is lost: the "
        "synchronization will continue automatically a little later."
    )

    def __init__(self, detail="", *, code=None, status=429, retry_after=None):
        super().__init__(detail, code=code, status=status)
        self.retry_after = retry_after


class NotFound(SyncError):
    """The event (or mailbox) does not exist on the Outlook side."""

    hint = _lt(
        "The event no longer exists in Outlook (it was probably deleted there). It will be "
        "handled at the next synchronization."
    )


class RejectedPayload(SyncError):
    """Graph refused what was sent (400 and friends); ``subject`` names the event."""

    def __init__(self, detail="", *, code=None, status=400, subject=None):
        super().__init__(detail, code=code, status=status)
        self.subject = subject

    @property
    def user_text(self):
        # Microsoft's explanation stays as Outlook wrote it: only the sentence around it
        # is translated.
        reason = self.detail.rstrip(".") or Text(_lt("no reason was given"))
        if self.subject:
            return Text(_lt('The event "%(subject)s" was refused by Outlook: %(reason)s. '
                            "Correct it in Odoo; it will be sent again at the next "
                            "synchronization."), subject=self.subject, reason=reason)
        return Text(_lt("A change was refused by Outlook: %(reason)s. Correct it in Odoo; it "
                        "will be sent again at the next synchronization."), reason=reason)


class ServiceUnavailable(SyncError):
    """Microsoft kept answering with server errors after the retries."""

    hint = _lt(
        "Outlook is temporarily unavailable. The synchronization will be tried again "
        "automatically later."
    )


class ConnectionFailed(SyncError):
    """Timeouts or dropped connections after the retries, or an untrusted certificate."""

    hint = _lt(
        "Odoo could not reach Microsoft (network timeout or dropped connection). The "
        "synchronization will be tried again automatically; if it keeps failing, ask your "
        "administrator to check that the Odoo server can reach Microsoft."
    )


class SyncStateExpired(SyncError):
    """The stored delta link is no longer known to Graph (410 Gone)."""

    hint = _lt(
        "Outlook asked for a complete resynchronization; it is done automatically and does "
        "not create duplicates."
    )


class SyncAlreadyRunning(SyncError):
    """Another run holds this account (one run per account at a time)."""

    hint = _lt("A synchronization of this Outlook calendar is already running. Its result "
               "will show here when it ends.")


# OAuth error codes of the Microsoft identity platform (RFC 6749 section 5.2 and friends).
_OAUTH_ERRORS = {
    "invalid_client": InvalidClient,
    "unauthorized_client": InvalidClient,
    "invalid_grant": ConsentRevoked,
    "interaction_required": ConsentRevoked,
    "login_required": ConsentRevoked,
    "access_denied": ConsentRefused,
    "consent_required": ConsentRefused,
    "temporarily_unavailable": ServiceUnavailable,
    "server_error": ServiceUnavailable,
    "invalid_scope": ConfigurationError,
    "invalid_request": ConfigurationError,
}


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delay in seconds or an HTTP date)."""
    if value is None:
        return None
    value = str(value).strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass  # Not a number of seconds: an HTTP date then.
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def from_oauth_error(payload, status=None):
    """Typed error from an identity platform (or msal) answer ``{"error", ...}``."""
    code = str(payload.get("error") or "")
    detail = payload.get("error_description") or code
    kind = _OAUTH_ERRORS.get(code, SyncError)
    text = None
    if kind is ConfigurationError:
        text = Text(_lt("Microsoft refused the sign-in request (%(reason)s). Check the Outlook "
                        "settings in Calendar settings (tenant, Client ID, permissions)."),
                    reason=clean_detail(detail))
    return kind(detail, code=code or None, status=status, text=text)


def from_graph_error(status, body, headers=None):
    """Typed error from a Graph status and its parsed JSON body (or None)."""
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return from_oauth_error(body, status)
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    code = error.get("code")
    detail = error.get("message") or (f"HTTP {status}" if status else "")
    headers = headers or {}
    if status == 401:
        return ConsentRevoked(detail, code=code, status=status)
    if status == 403:
        return ConsentRefused(detail, code=code, status=status)
    if status == 404:
        return NotFound(detail, code=code, status=status)
    if status == 410:
        return SyncStateExpired(detail, code=code, status=status)
    if status == 429:
        # Batch answers carry plain dicts: look the header up whatever its case.
        retry_after = parse_retry_after(CaseInsensitiveDict(headers).get("Retry-After"))
        return Throttled(detail, code=code, status=status, retry_after=retry_after)
    if status and status >= 500:
        return ServiceUnavailable(detail, code=code, status=status)
    if status and 400 <= status < 500:
        return RejectedPayload(detail, code=code, status=status)
    return SyncError(detail, code=code, status=status)


def from_response(response):
    """Typed error from a ``requests.Response``; bodies that are not JSON are tolerated."""
    try:
        body = response.json()
    except ValueError:
        body = None
    return from_graph_error(response.status_code, body, response.headers)


def fix_for(error) -> str:
    """What fixes a failed run, for the Outlook button's main action: "reconnect" (sign in
    again), "settings" (an administrator checks them) or "retry" (it was temporary)."""
    if isinstance(error, ConsentRevoked | ConsentRefused | SignInFailed):
        return "reconnect"
    if isinstance(error, InvalidClient | ConfigurationError):
        return "settings"
    return "retry"
