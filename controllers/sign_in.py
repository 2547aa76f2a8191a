import logging

import psycopg2

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from ..engine.errors import SyncError
from ..models.outlook_account_sign_in import DEFAULT_RETURN_URL, safe_return_url
from ..models.outlook_settings import REDIRECT_PATH

_logger = logging.getLogger(__name__)


class OutlookSignIn(http.Controller):
    """Microsoft sends the user back here after they signed in (the app's redirect URI).

    Only internal users come back here for real: public visitors are sent to the login page,
    portal users are refused. Whatever the query holds, the answer is the calendar or a page
    saying what to do, never a server error; and an answer that is not the one the user's
    pending sign-in waits for leaves that sign-in pending.
    """

    @http.route(REDIRECT_PATH, type="http", auth="user", methods=["GET"])
    def authentication(self, **params):
        env = request.env
        if not env.user._is_internal():
            _logger.warning("Outlook sign-in refused: user %s is not an internal user", env.uid)
            return self._failure_page(env._(
                "Only internal users can connect an Outlook calendar. Ask your administrator "
                "if you need one."), status=403)
        account = env["outlook.account"]._for_user(env.user)
        try:
            return_url = account._finish_sign_in(params)
        except SyncError as error:
            _logger.warning("Outlook sign-in of user %s failed: %s", env.uid, error)
            return self._failure_page(error.message(env._))
        except UserError as error:  # e.g. not configured, or not allowed
            _logger.warning("Outlook sign-in of user %s failed: %s", env.uid,
                            type(error).__name__)
            return self._failure_page(str(error.args[0]) if error.args else "")
        except psycopg2.Error:
            raise  # a concurrent update: Odoo retries the request
        except Exception as error:  # odd input that got further than expected  # noqa: BLE001
            _logger.warning("Outlook sign-in of user %s failed: %s", env.uid,
                            type(error).__name__)
            return self._failure_page(env._(
                "The Outlook sign-in could not be completed: the link was not valid. "
                "Click the Outlook button in Calendar again."))
        return request.redirect(safe_return_url(return_url), local=True)

    def _failure_page(self, message, status=400):
        return request.render("outlook_calendar_sync.sign_in_failed", {
            "message": message,
            "back_url": DEFAULT_RETURN_URL,
        }, status=status)
