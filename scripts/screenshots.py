"""Pictures of the main screens, taken from the demo, for the README.

    python3 scripts/screenshots.py

Starts the demo (PostgreSQL, the Graph emulator, Odoo with the addon: see scripts/demo.py)
on ports of its own, in a database of its own, drives headless Chromium through it as a
user would (connect, first synchronization, the menu, the settings, the lists and forms, a
phone, an Italian user) and writes the pictures to static/description/screenshots/.
Chromium is driven through its DevTools protocol (websocket-client, in requirements-dev.txt).
"""

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
if VENV_PYTHON.exists() and Path(sys.prefix).resolve() != VENV_PYTHON.parent.parent.resolve():
    os.execv(VENV_PYTHON, [str(VENV_PYTHON), *sys.argv])  # Odoo and its tools live there

# The demo on ports and a database of its own, so that a running demo is left alone.
os.environ.setdefault("OCS_DEMO_ODOO_PORT", "8169")
os.environ.setdefault("OCS_DEMO_EMULATOR_PORT", "8865")
os.environ.setdefault("OCS_DEMO_DB", "outlook_screenshots")
sys.path.insert(0, str(HERE))

import demo  # noqa: E402
import requests  # noqa: E402
import websocket  # noqa: E402
from odoo_runtime import STATE, find_odoo, odoo_command, write_config  # noqa: E402

OUT = ROOT / "static" / "description" / "screenshots"
WIDTH, HEIGHT = 1280, 800
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--mute-audio", f"--window-size={WIDTH},{HEIGHT}",
]
# A few more things for the pictures: an Italian colleague, logged in as giulia / giulia.
EXTRA_DATA = """
import datetime
env["res.lang"]._activate_lang("it_IT")
env["ir.module.module"].search([("state", "=", "installed")])._update_translations(["it_IT"])
env["res.users"].create({"name": "Giulia Rossi", "login": "giulia", "password": "giulia",
                         "email": "giulia@demo.example", "lang": "it_IT", "tz": "UTC",
                         "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
giulia = env["res.users"].search([("login", "=", "giulia")])
maria = env["res.partner"].search([("email", "=", "maria@demo.example")], limit=1)
start = datetime.datetime.now().replace(hour=10, minute=0, second=0, microsecond=0)
env["calendar.event"].with_user(giulia).with_context(no_mail_to_attendees=True).create({
    "name": "Revisione del budget", "start": start + datetime.timedelta(days=2),
    "stop": start + datetime.timedelta(days=2, hours=1),
    "partner_ids": [(6, 0, (giulia.partner_id | maria).ids)]})
env.cr.commit()
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.5)
    sys.exit(f"{url} did not answer in {seconds} s.")


class Browser:
    """Just enough of Chromium's DevTools protocol: go, wait, click, type, take pictures."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="ocs-chromium-")
        port = free_port()
        binary = shutil.which("chromium") or shutil.which("google-chrome") or "/usr/bin/chromium"
        self.process = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}",
             f"--remote-debugging-port={port}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_http(f"http://127.0.0.1:{port}/json/version", 30)
        page = next(t for t in requests.get(f"http://127.0.0.1:{port}/json", timeout=5).json()
                    if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=20,
                                              suppress_origin=True)
        self.ids = 0
        self.size(WIDTH, HEIGHT)

    def call(self, method, seconds=30, **params):
        self.ids += 1
        self.ws.send(json.dumps({"id": self.ids, "method": method, "params": params}))
        deadline = time.time() + seconds
        while True:
            if time.time() > deadline:
                raise TimeoutError(f"Chromium did not answer {method} in {seconds} s")
            message = json.loads(self.ws.recv())
            if message.get("id") == self.ids:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def js(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True,
                           returnByValue=True, timeout=10000)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    def size(self, width, height, mobile=False):
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=mobile)
        self.call("Emulation.setTouchEmulationEnabled", enabled=mobile)

    def go(self, url):
        self.call("Page.navigate", url=url)
        time.sleep(0.5)
        self.wait("body")

    def wait(self, selector, seconds=30, text=None):
        """Wait for an element matching `selector` (and holding `text`, if given)."""
        wanted = json.dumps(text or "")
        check = (f"[...document.querySelectorAll({json.dumps(selector)})].some("
                 f"e => e.getClientRects().length && e.textContent.includes({wanted}))")
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if self.js(check):
                    return True
            except RuntimeError:
                pass  # the page is changing
            time.sleep(0.2)
        raise TimeoutError(f"{selector!r} {text or ''} did not show in {seconds} s")

    def click(self, selector):
        self.wait(selector)
        self.js(f"document.querySelector({json.dumps(selector)}).click()")

    def type(self, selector, value):
        self.wait(selector)
        self.js(f"(e => {{ e.value = {json.dumps(value)}; "
                "e.dispatchEvent(new Event('input', {bubbles: true})); })"
                f"(document.querySelector({json.dumps(selector)}))")

    def settle(self, seconds=0.8):
        """Let animations and late requests end before a picture."""
        time.sleep(seconds)

    def shot(self, name, selector=None, margin=16):
        params = {"format": "png"}
        if selector:
            box = self.js(f"(r => ({{x: r.left, y: r.top, w: r.width, h: r.height}}))("
                          f"document.querySelector({json.dumps(selector)}).getBoundingClientRect())")
            params["clip"] = {"x": max(0, box["x"] - margin), "y": max(0, box["y"] - margin),
                              "width": box["w"] + 2 * margin, "height": box["h"] + 2 * margin,
                              "scale": 1}
        data = self.call("Page.captureScreenshot", **params)["data"]
        (OUT / f"{name}.png").write_bytes(base64.b64decode(data))
        print(f"  {name}.png", flush=True)

    def close(self):
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            self.process.wait(10)
            shutil.rmtree(self.profile, ignore_errors=True)


def log_in(browser, base, login, password):
    browser.go(f"{base}/web/session/logout")
    browser.go(f"{base}/web/login")
    browser.type("input#login", login)
    browser.type("input#password", password)
    browser.js("document.querySelector('form.oe_login_form').submit()")
    time.sleep(1)
    browser.wait(".o_main_navbar")


def take_pictures(browser, base, emulator):
    log_in(browser, base, "admin", "admin")
    button = ".o_calendar_header .o_outlook_sync_button"

    # The calendar: the Outlook button, in the control panel.
    browser.go(f"{base}/odoo/calendar")
    browser.wait(".o_outlook_sync[data-state='disconnected']")
    browser.settle()
    browser.shot("calendar_button")

    # Before signing in: what the first synchronization would send, and the choice.
    browser.click(button)
    browser.wait(".o_outlook_first_sync .o_outlook_first_sync_event")
    browser.settle()
    browser.shot("first_sync_preview", ".o_outlook_first_sync")

    # Microsoft's sign-in (the emulator accepts at once), then the first synchronization
    # in the background, and its summary.
    emulator.set_consent(email=demo.ADMIN_MAILBOX, accept=True)
    browser.click(".o_outlook_first_sync .o_outlook_first_sync_continue")
    try:  # the demo's first synchronization is short: catch it while it runs
        browser.wait(".o_outlook_sync[data-running='1']", 20)
    except TimeoutError:
        browser.wait(".o_notification", 60, text="Outlook")
    browser.shot("first_sync_running")
    browser.wait(".o_notification", 120, text="Your Outlook calendar is synchronized")
    browser.settle()
    browser.shot("first_sync_done")

    # The menu: mailbox, calendar, last and next synchronization, what can be done.
    browser.go(f"{base}/odoo/calendar")
    browser.wait(".o_outlook_sync[data-state='connected'] [data-mark='ok']")
    browser.click(".o_calendar_header .o_outlook_sync_toggle")
    browser.wait(".o_outlook_sync_menu")
    browser.settle()
    browser.shot("button_menu")

    # Settings.
    browser.go(f"{base}/odoo/action-calendar.calendar_settings_action")
    browser.wait("#outlook_calendar_sync_setting")
    browser.js("document.querySelector('#outlook_calendar_sync_setting')"
               ".closest('.o_settings_container').scrollIntoView()")
    browser.settle()
    browser.shot("settings")

    # Administrators' screens.
    browser.go(f"{base}/odoo/action-outlook_calendar_sync.outlook_account_action")
    browser.wait(".o_list_view .o_data_row")
    browser.settle()
    browser.shot("accounts_list")
    browser.click(".o_list_view .o_data_row td.o_data_cell")
    browser.wait(".o_form_view .o_stat_info")
    browser.settle()
    browser.shot("account_form")

    browser.go(f"{base}/odoo/action-outlook_calendar_sync.outlook_sync_run_action")
    browser.wait(".o_list_view .o_data_row")
    browser.settle()
    browser.shot("sync_history")
    browser.click(".o_list_view .o_data_row td.o_data_cell")
    browser.wait(".o_form_view .oe_title h1")
    browser.settle()
    browser.shot("sync_run_form")

    browser.go(f"{base}/odoo/action-base.action_res_users/2")  # the administrator
    browser.click(".o_notebook .nav-link[name='calendar']")
    browser.wait("div[name='outlook_mailbox']")
    browser.settle()
    browser.shot("user_calendar_tab")

    # A failed sign-in's page.
    browser.go(f"{base}/microsoft_account/authentication?state=expired.link&code=x")
    browser.wait(".o_outlook_sign_in_result")
    browser.settle()
    browser.shot("sign_in_failed")

    # An error: the user withdrew Odoo's access at Microsoft.
    emulator.revoke(email=demo.ADMIN_MAILBOX)
    browser.go(f"{base}/odoo/calendar")
    browser.click(".o_outlook_sync[data-state='connected'] .o_outlook_sync_button")
    browser.wait(".o_outlook_sync[data-state='error']", 60)
    browser.js("document.querySelectorAll('.o_notification_close').forEach(b => b.click())")
    browser.click(".o_calendar_header .o_outlook_sync_toggle")
    browser.wait(".o_outlook_sync_menu .o_outlook_sync_error")
    browser.settle()
    browser.shot("error_reconnect")

    # A phone.
    browser.size(390, 844, mobile=True)
    browser.go(f"{base}/odoo/calendar")
    browser.wait(".o_outlook_sync[data-state='error']")
    browser.settle()
    browser.shot("phone")
    browser.size(WIDTH, HEIGHT)

    # An Italian colleague.
    log_in(browser, base, "giulia", "giulia")
    browser.go(f"{base}/odoo/calendar")
    browser.wait(".o_outlook_sync[data-state='disconnected']")
    browser.click(button)
    browser.wait(".o_outlook_first_sync .o_outlook_first_sync_event")
    browser.settle()
    browser.shot("italian")


def main():
    source, reason = find_odoo()
    if not source:
        sys.exit(f"Odoo 18 not found ({reason}).")
    STATE.mkdir(exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    secret = "screenshots-" + base64.urlsafe_b64encode(os.urandom(12)).decode()
    base = f"http://127.0.0.1:{demo.ODOO_PORT}"
    emulator_process, emulator_url = demo.start_emulator(
        secret, f"{base}/microsoft_account/authentication")
    odoo = browser = None
    try:
        emulator, ca_file = demo.seed_outlook(emulator_url)
        conf = write_config(source, demo.ODOO_PORT, db_name=demo.DB_NAME)
        print("Preparing the demo database...", flush=True)
        demo.prepare_database(source, conf, emulator, ca_file, secret)
        cmd, env = odoo_command(source, conf, "-d", demo.DB_NAME, "--no-http",
                                command="shell")
        subprocess.run(cmd, env=env, input=EXTRA_DATA, text=True, check=True,
                       stdout=subprocess.DEVNULL)
        cmd, env = odoo_command(source, conf, "-d", demo.DB_NAME, "--max-cron-threads", "1")
        odoo = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        wait_http(f"{base}/web/login")
        print(f"Taking pictures into {OUT.relative_to(ROOT)}:", flush=True)
        browser = Browser()
        take_pictures(browser, base, emulator)
    finally:
        if browser:
            browser.close()
        if odoo:
            odoo.terminate()
            odoo.wait(30)
        emulator_process.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
