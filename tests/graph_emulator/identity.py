"""Microsoft identity platform v2.0, as much of it as an OAuth web app meets.

Routes (tenant = common, organizations, consumers or a GUID):
  GET  /{tenant}/v2.0/.well-known/openid-configuration
  GET  /{tenant}/oauth2/v2.0/authorize      consent page, or automatic answer (set_consent)
  POST /{tenant}/oauth2/v2.0/authorize      the consent page's Accept / Cancel
  POST /{tenant}/oauth2/v2.0/token          authorization_code (PKCE S256) and refresh_token
The authorize endpoint is advertised on http:// (a browser opens it without a certificate
warning), the token endpoint on https:// (msal refuses anything else).
"""

import base64
import hashlib
import json
import re
from datetime import timedelta
from urllib.parse import urlencode

from . import html_view
from .errors import GraphError, IdentityError
from .http_messages import Response

RESERVED_SCOPES = {"openid", "profile", "offline_access", "email"}
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_TENANT_WORDS = {"common", "organizations", "consumers"}
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"


def register(router, state):
    api = Identity(state)
    tenant = "/{tenant}"
    router.add("GET", f"{tenant}/v2.0/.well-known/openid-configuration", api.openid_config)
    router.add("GET", f"{tenant}/oauth2/v2.0/authorize", api.authorize)
    router.add("POST", f"{tenant}/oauth2/v2.0/authorize", api.consent)
    router.add("POST", f"{tenant}/oauth2/v2.0/token", api.token)
    return api


def _b64(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _jwt(claims, state):
    header = _b64(json.dumps({"typ": "JWT", "alg": "RS256", "kid": "graph-emulator"}).encode())
    payload = _b64(json.dumps(claims).encode())
    signature = _b64(hashlib.sha256(f"{header}.{payload}|{state.seed}".encode()).digest())
    return f"{header}.{payload}.{signature}"


class Identity:
    def __init__(self, state):
        self.state = state

    # --- discovery -----------------------------------------------------------------------

    def openid_config(self, request):
        tenant = self._tenant(request)
        http_base = request.base_url.replace("https://", "http://", 1)
        https_base = http_base.replace("http://", "https://", 1)
        issuer_tenant = "{tenantid}" if tenant in _TENANT_WORDS else tenant
        return Response.json(200, {
            "token_endpoint": f"{https_base}/{tenant}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post",
                                                      "private_key_jwt", "client_secret_basic"],
            "jwks_uri": f"{https_base}/{tenant}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token",
                                         "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": f"https://login.microsoftonline.com/{issuer_tenant}/v2.0",
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
            "authorization_endpoint": f"{http_base}/{tenant}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{https_base}/{tenant}/oauth2/v2.0/devicecode",
            "http_logout_supported": True,
            "frontchannel_logout_supported": True,
            "end_session_endpoint": f"{http_base}/{tenant}/oauth2/v2.0/logout",
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr",
                                 "nonce", "preferred_username", "name", "tid", "ver",
                                 "at_hash", "c_hash", "email"],
            "tenant_region_scope": None,
            "cloud_instance_name": "microsoftonline.com",
            "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": "graph.microsoft.com",
            "rbac_url": "https://pas.windows.net",
        })

    def _tenant(self, request):
        tenant = request.params["tenant"]
        if tenant.lower() in _TENANT_WORDS or _GUID.match(tenant):
            return tenant
        raise IdentityError(400, "invalid_tenant", 90002,
                            f"Tenant '{tenant}' not found. Check to make sure you have the "
                            "correct tenant ID and are signing into the correct cloud.")

    # --- authorize -----------------------------------------------------------------------

    def authorize(self, request):
        return self._authorize(request, dict(request.query), None)

    def consent(self, request):
        fields = request.form()
        action = fields.pop("consent_action", "")
        email = fields.pop("login_email", "")
        return self._authorize(request, fields, (action, email))

    def _authorize(self, request, fields, answer):
        try:
            self._tenant(request)
        except IdentityError as exc:
            return Response.html(400, html_view.error_page(exc.aadsts, exc.message))
        app, problem = self._check_client(fields)
        if problem:
            return Response.html(400, html_view.error_page(*problem))
        if fields.get("response_type") != "code":
            return self._deny(fields, "unsupported_response_type", 70005,
                              "The provided value for the input parameter 'response_type' is "
                              "not allowed for this request. Expected value: code.")
        if fields.get("code_challenge_method", "S256") not in ("S256", "plain"):
            return self._deny(fields, "invalid_request", 50131,
                              "The code_challenge_method must be S256.")
        if answer is None and self.state.auto_consent:
            answer = ("accept" if self.state.auto_consent[1] else "cancel",
                      self.state.auto_consent[0])
        if answer is None and fields.get("prompt") == "none":
            return self._deny(fields, "interaction_required", 65001,
                              "The user or administrator has not consented to use the "
                              "application. Send an interactive authorization request.")
        if answer is None:
            return self._consent_page(app, fields)
        action, email = answer
        if action != "accept":
            return self._deny(fields, "access_denied", 65004,
                              "User declined to consent to access the app.")
        mailbox = self.state.mailbox(email)
        if mailbox is None:
            return self._consent_page(app, fields, "That account doesn't exist. Pick an "
                                      "account from the list, or add the mailbox first.")
        return self._grant(fields, mailbox)

    def _check_client(self, fields):
        client_id = fields.get("client_id", "")
        app = self.state.apps.get(client_id)
        if app is None:
            return None, (700016, f"Application with identifier '{client_id}' was not found "
                          "in the directory. This can happen if the application has not been "
                          "installed by the administrator of the tenant or consented to by any "
                          "user in the tenant. You may have sent your authentication request "
                          "to the wrong tenant.")
        if fields.get("redirect_uri") not in app["redirect_uris"]:
            return app, (50011, f"The redirect URI '{fields.get('redirect_uri', '')}' "
                         "specified in the request does not match the redirect URIs "
                         f"configured for the application '{client_id}'. Make sure the "
                         "redirect URI sent in the request matches one added to your "
                         "application in the Azure portal.")
        return app, None

    def _consent_page(self, app, fields, message=""):
        scopes = [s for s in fields.get("scope", "").split() if s not in RESERVED_SCOPES]
        mailboxes = list(self.state.mailboxes.values())
        page = html_view.consent_page(app["name"], scopes or ["Sign you in"], mailboxes,
                                      fields, fields.get("login_hint", "").lower(), message)
        return Response.html(200, page)

    def _grant(self, fields, mailbox):
        state = self.state
        code = "0.A" + state.ids.opaque("code", 120)
        state.codes[code] = {
            "client_id": fields["client_id"], "redirect_uri": fields["redirect_uri"],
            "email": mailbox.email, "scopes": fields.get("scope", "").split(),
            "challenge": fields.get("code_challenge"),
            "method": fields.get("code_challenge_method", "S256"),
            "nonce": fields.get("nonce"), "used": False,
            "expires": state.now() + timedelta(minutes=10),
        }
        state.consents.add((mailbox.email.lower(), fields["client_id"]))
        answer = {"code": code}
        if "state" in fields:
            answer["state"] = fields["state"]
        answer["session_state"] = state.ids.guid("session")
        return self._answer(fields, answer)

    def _deny(self, fields, error, aadsts, message):
        answer = {"error": error, "error_description": f"AADSTS{aadsts}: {message}"}
        if "state" in fields:
            answer["state"] = fields["state"]
        return self._answer(fields, answer)

    def _answer(self, fields, answer):
        url = fields["redirect_uri"]
        if fields.get("response_mode") == "form_post":
            return Response.html(200, html_view.form_post_page(url, answer))
        joiner = "&" if "?" in url else "?"
        return Response.redirect(f"{url}{joiner}{urlencode(answer)}")

    # --- token ---------------------------------------------------------------------------

    def token(self, request):
        self._tenant(request)
        form = request.form()
        client_id, secret = self._client_credentials(request, form)
        app = self.state.apps.get(client_id)
        if app is None:
            raise IdentityError(400, "unauthorized_client", 700016,
                                f"Application with identifier '{client_id}' was not found in "
                                "the directory.")
        if not secret:
            raise IdentityError(401, "invalid_client", 7000218,
                                "The request body must contain the following parameter: "
                                "'client_assertion' or 'client_secret'.")
        if secret != app["client_secret"]:
            raise IdentityError(401, "invalid_client", 7000215,
                                "Invalid client secret provided. Ensure the secret being sent "
                                "in the request is the client secret value, not the client "
                                f"secret ID, for a secret added to app '{client_id}'.")
        grant = form.get("grant_type")
        if grant == "authorization_code":
            details = self._redeem_code(form, client_id)
        elif grant == "refresh_token":
            details = self._redeem_refresh(form, client_id)
        else:
            raise IdentityError(400, "unsupported_grant_type", 70003,
                                "The app requested an unsupported grant type "
                                f"'{grant or ''}'.")
        body = self.issue(details["email"], client_id, details["scopes"],
                          nonce=details.get("nonce"), client_info="client_info" in form)
        return Response.json(200, body, {"Cache-Control": "no-store, no-cache",
                                         "Pragma": "no-cache"})

    @staticmethod
    def _client_credentials(request, form):
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(auth[6:]).decode()
                client_id, _, secret = decoded.partition(":")
                return client_id, secret
            except ValueError:
                pass
        return form.get("client_id", ""), form.get("client_secret", "")

    def _redeem_code(self, form, client_id):
        now = self.state.now()
        grant = self.state.codes.get(form.get("code", ""))
        if grant is None or grant["client_id"] != client_id:
            raise IdentityError(400, "invalid_grant", 70000,
                                "The provided value for the 'code' parameter is not valid.")
        if grant["used"]:
            raise IdentityError(400, "invalid_grant", 54005,
                                "OAuth2 Authorization code was already redeemed, please retry "
                                "with a new valid code or use an existing refresh token.")
        if grant["expires"] < now:
            raise IdentityError(400, "invalid_grant", 70008,
                                "The provided authorization code or refresh token has expired "
                                "due to inactivity. Send a new interactive authorization "
                                "request for this user and resource.")
        if form.get("redirect_uri") != grant["redirect_uri"]:
            raise IdentityError(400, "invalid_grant", 70000,
                                "The redirect_uri must be the one sent in the authorization "
                                "request.")
        if grant["challenge"] and not _pkce_ok(grant, form.get("code_verifier", "")):
            raise IdentityError(400, "invalid_grant", 501481,
                                "The Code_Verifier does not match the code_challenge supplied "
                                "in the authorization request.")
        grant["used"] = True
        return grant

    def _redeem_refresh(self, form, client_id):
        record = self.state.refresh_tokens.get(form.get("refresh_token", ""))
        if record is None or record["client_id"] != client_id:
            raise IdentityError(400, "invalid_grant", 9002313,
                                "Invalid request. Request is malformed or invalid.")
        if record["revoked"]:
            raise IdentityError(400, "invalid_grant", 50173,
                                "The provided grant has expired due to it being revoked, a "
                                "fresh auth token is needed. The user might have changed or "
                                "reset their password.")
        asked = form.get("scope", "").split()
        return {"email": record["email"], "scopes": asked or record["scopes"]}

    def issue(self, email, client_id, scopes, nonce=None, client_info=True, refresh=None):
        """Mint tokens the way the token endpoint answers a successful grant."""
        state = self.state
        mailbox = state.mailbox(email)
        if mailbox is None:
            raise ValueError(f"No mailbox {email!r}: add it with add_mailbox() first.")
        now, lifetime = state.now(), state.token_lifetime
        scopes = list(scopes)
        granted = [s for s in scopes if s.lower() not in RESERVED_SCOPES]
        claims = {"aud": GRAPH_APP_ID, "iss": f"https://sts.windows.net/{state.tenant_id}/",
                  "iat": int(now.timestamp()), "nbf": int(now.timestamp()),
                  "exp": int(now.timestamp()) + lifetime, "appid": client_id,
                  "oid": mailbox.oid, "tid": state.tenant_id, "scp": " ".join(granted),
                  "upn": mailbox.email, "uti": state.ids.opaque("uti", 22), "ver": "1.0"}
        access_token = _jwt(claims, state)
        state.access_tokens[access_token] = {
            "email": mailbox.email.lower(), "client_id": client_id, "scopes": granted,
            "expires": now + timedelta(seconds=lifetime), "expired": False, "revoked": False}
        body = {"token_type": "Bearer", "scope": " ".join(granted + ["openid", "profile",
                                                                     "email"]),
                "expires_in": lifetime, "ext_expires_in": lifetime,
                "access_token": access_token}
        if refresh or (refresh is None and "offline_access" in scopes):
            refresh = "1.A" + state.ids.opaque("refresh", 160)
            state.refresh_tokens[refresh] = {"email": mailbox.email.lower(),
                                             "client_id": client_id, "scopes": scopes,
                                             "revoked": False}
            body["refresh_token"] = refresh
        if "openid" in scopes:
            body["id_token"] = self._id_token(mailbox, client_id, nonce)
        if client_info:
            body["client_info"] = _b64(json.dumps(
                {"uid": mailbox.oid, "utid": state.tenant_id}).encode())
        state.consents.add((mailbox.email.lower(), client_id))
        return body

    def _id_token(self, mailbox, client_id, nonce):
        state, now = self.state, int(self.state.now().timestamp())
        claims = {"aud": client_id,
                  "iss": f"https://login.microsoftonline.com/{state.tenant_id}/v2.0",
                  "iat": now, "nbf": now, "exp": now + 3600, "name": mailbox.display_name,
                  "oid": mailbox.oid, "preferred_username": mailbox.email,
                  "sub": _b64(hashlib.sha256(f"{mailbox.oid}|{client_id}".encode()).digest()),
                  "tid": state.tenant_id, "ver": "2.0"}
        if nonce:
            claims["nonce"] = nonce
        return _jwt(claims, state)

    # --- Graph side ----------------------------------------------------------------------

    def mailbox_for(self, request):
        """The mailbox a Graph request acts for, or the 401 Graph answers."""
        auth = request.headers.get("authorization", "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        if not token:
            raise _unauthorized("Access token is empty.")
        record = self.state.access_tokens.get(token)
        if record is None:
            raise _unauthorized("Access token validation failure. Invalid audience.")
        if record["revoked"]:
            raise _unauthorized("Access token has been revoked: the user must sign in again.")
        if record["expired"] or record["expires"] <= self.state.now():
            raise _unauthorized("Access token has expired or is not yet valid.")
        mailbox = self.state.mailbox(record["email"])
        if mailbox is None:
            raise _unauthorized("The mailbox of this token no longer exists.")
        return mailbox, record


def _pkce_ok(grant, verifier):
    if grant["method"] == "plain":
        return verifier == grant["challenge"]
    return _b64(hashlib.sha256(verifier.encode()).digest()) == grant["challenge"]


def _unauthorized(message):
    return GraphError(401, "InvalidAuthenticationToken", message, {
        "WWW-Authenticate": 'Bearer realm="", authorization_uri="https://login.microsoftonline'
                            f'.com/common/oauth2/authorize", client_id="{GRAPH_APP_ID}"'})
