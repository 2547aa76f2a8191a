"""The benchmark phases for Odoo's own `microsoft_calendar`, run inside `odoo shell`.

    main(env)   # env: the shell's environment on a fresh database with microsoft_calendar

Odoo's module talks to https://graph.microsoft.com and https://login.microsoftonline.com,
names it checks before every request. Its files stay untouched: in this process only, the
`requests` sessions it opens send those hosts' requests to the emulator instead, keeping
the Host header so the links the emulator answers with still name Microsoft's hosts.

The user is signed in as after Odoo's own sign-in: the emulator issues the tokens and
they are stored in the user's token fields. Each phase does what the module does for a
user: the Outlook button runs `_sync_microsoft_calendar`; a new event is sent to Outlook
when its transaction commits.
"""

import time
from urllib.parse import urlsplit, urlunsplit

import requests
import workload
from measure import PhaseRecorder, load_config
from requests.adapters import HTTPAdapter

MICROSOFT_HOSTS = ("graph.microsoft.com", "login.microsoftonline.com")


class EmulatorRedirect(HTTPAdapter):
    """Sends a request for a Microsoft host to the emulator, under its original Host."""

    def __init__(self, emulator_url):
        super().__init__()
        self.emulator_netloc = urlsplit(emulator_url).netloc

    def send(self, request, *args, **kwargs):
        parts = urlsplit(request.url)
        request.headers["Host"] = parts.netloc
        request.url = urlunsplit(("http", self.emulator_netloc, parts.path, parts.query, ""))
        return super().send(request, *args, **kwargs)


def redirect_microsoft_to(emulator_url):
    """Every requests session opened from now on in this process reaches the emulator for
    Microsoft's hosts (the module opens a new session per request)."""
    original_init = requests.Session.__init__

    def init(session, *args, **kwargs):
        original_init(session, *args, **kwargs)
        for host in MICROSOFT_HOSTS:
            for scheme in ("https://", "http://"):
                session.mount(scheme + host, EmulatorRedirect(emulator_url))

    requests.Session.__init__ = init


def sign_in(env, config, admin):
    """Store the tokens Odoo's sign-in would have obtained."""
    answer = requests.post(f"{config['emulator_url']}/_emulator/issue_tokens",
                           json={"email": workload.MAILBOX, "client_id": workload.CLIENT_ID},
                           timeout=30)
    answer.raise_for_status()
    tokens = answer.json()["result"]
    env["res.users.settings"]._find_or_create_for_user(admin)
    admin.sudo()._set_microsoft_auth_tokens(tokens["access_token"], tokens["refresh_token"],
                                            tokens["expires_in"])
    admin.sudo().microsoft_synchronization_stopped = False


def main(env):
    config = load_config()
    redirect_microsoft_to(config["emulator_url"])
    recorder = PhaseRecorder(env, config, "reference")
    admin = env.ref("base.user_admin")
    context = {}

    def setup():
        params = env["ir.config_parameter"].sudo()
        params.set_param("web.base.url", workload.BASE_URL)
        params.set_param("microsoft_calendar_client_id", workload.CLIENT_ID)
        params.set_param("microsoft_calendar_client_secret", config["client_secret"])
        admin.write({"email": workload.MAILBOX, "tz": "UTC"})
        context["guests"] = env["res.partner"].create(workload.guest_partners()).ids
        sign_in(env, config, admin)

    if not recorder.setup(setup):
        return
    user_env = env(user=admin.id)

    def sync():
        # What the Outlook button's route (/microsoft_calendar/sync_data) runs.
        need_refresh = user_env.user.sudo().with_context(
            dont_notify=True)._sync_microsoft_calendar()
        env.cr.commit()
        return {"need_refresh": bool(need_refresh)}

    def push():
        vals_list = workload.push_events(config["n"], admin.partner_id.id, context["guests"],
                                         workload.utc_now())
        started = time.perf_counter()
        user_env["calendar.event"].create(vals_list)
        created = time.perf_counter() - started
        env.cr.commit()  # the module sends each new event to Outlook after the commit
        return {"create_seconds": round(created, 3)}

    recorder.phase("first_import", sync)
    recorder.phase("push", push)
    recorder.phase("sync_after_push", sync)
    recorder.phase("unchanged_sync", sync)

