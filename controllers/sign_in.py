import logging

from odoo import _, http
from odoo.http import request

from ..engine.errors import SyncError

_logger = logging.getLogger(__name__)


class OutlookSignIn(http.Controller):
    """Microsoft sends the user back here after they signed in (the app's redirect URI)."""

    @http.route("/microsoft_account/authentication", type="http", auth="user", methods=["GET"])
    def authentication(self, **params):
        account = request.env["outlook.account"]._for_user(request.env.user)
        try:
            return_url = account._finish_sign_in(params)
        except SyncError as error:
            _logger.warning("Outlook sign-in of user %s failed: %s", request.env.uid, error)
            return self._failure_page(request.env._(error.user_message))
        except (ValueError, TypeError) as error:  # a state that is not even well-formed
            _logger.warning("Outlook sign-in of user %s failed: %s", request.env.uid, error)
            return self._failure_page(_(
                "The Outlook sign-in could not be completed: the link was not valid. "
                "Click the Outlook button in Calendar again."))
        return request.redirect(return_url, local=True)

    def _failure_page(self, message):
        return request.render("outlook_calendar_sync.sign_in_failed", {
            "message": message,
            "back_url": "/odoo/calendar",
        }, status=400)
