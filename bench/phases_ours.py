"""The benchmark phases for this addon, run inside `odoo shell` by bench/run.py.

    main(env)   # env: the shell's environment on a fresh database with the addon installed

The user signs in at the emulated Microsoft (automatic consent) exactly as in the browser,
then every phase is what a user's click on the Outlook button does: one `_sync` run.
"""

import time
from urllib.parse import parse_qsl, urlsplit

import requests
import workload
from measure import PhaseRecorder, load_config


def configure(env, config):
    """Settings as an administrator enters them, pointing at the emulator."""
    params = env["ir.config_parameter"].sudo()
    params.set_param("web.base.url", workload.BASE_URL)
    params.set_param("web.base.url.freeze", "True")
    for key, value in {
        "enabled": "True",
        "client_id": workload.CLIENT_ID,
        "client_secret": config["client_secret"],
        "authority_url": config["emulator_url"].replace("http://", "https://", 1),
        "graph_url": config["emulator_url"] + "/v1.0",
        "allow_custom_hosts": "True",
        "ca_bundle": config["ca_file"],
    }.items():
        params.set_param(f"outlook_calendar_sync.{key}", value)


def sign_in(env, config, admin):
    """The user clicks Outlook, Microsoft consents automatically, Odoo gets the answer."""
    requests.post(f"{config['emulator_url']}/_emulator/set_consent",
                  json={"email": workload.MAILBOX, "accept": True}, timeout=30).raise_for_status()
    account = env["outlook.account"]._for_user(admin).with_user(admin)
    url = account._start_sign_in("/odoo/calendar")
    answer = requests.get(url, allow_redirects=False, timeout=30)
    account._finish_sign_in(dict(parse_qsl(urlsplit(answer.headers["Location"]).query)))
    return account


def main(env):
    config = load_config()
    recorder = PhaseRecorder(env, config, "ours")
    admin = env.ref("base.user_admin")
    context = {}

    def setup():
        configure(env, config)
        admin.write({"email": workload.MAILBOX, "tz": "UTC"})
        context["guests"] = env["res.partner"].create(workload.guest_partners()).ids
        context["account"] = sign_in(env, config, admin)

    if not recorder.setup(setup):
        return

    def sync():
        report = context["account"]._sync(trigger="button", commit=True)
        env.cr.commit()
        if report is None:
            raise RuntimeError(f"the sync did not run: {context['account'].last_error}")
        return {"counts": report.counts, "errors": len(report.errors),
                "first_errors": [e.text() for e in report.errors[:3]]}

    def push():
        vals_list = workload.push_events(config["n"], admin.partner_id.id, context["guests"],
                                         workload.utc_now())
        started = time.perf_counter()
        env["calendar.event"].with_user(admin).create(vals_list)
        created = time.perf_counter() - started
        env.cr.commit()  # the new events wait in the outbox; the sync sends them
        return dict(sync(), create_seconds=round(created, 3))

    recorder.phase("first_import", sync)
    recorder.phase("push", push)
    recorder.phase("sync_after_push", sync)
    recorder.phase("unchanged_sync", sync)
