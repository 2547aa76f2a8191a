"""GraphEmulator: the Microsoft identity platform and Graph, in memory, on 127.0.0.1.

    with GraphEmulator(seed=0).start() as emu:
        emu.add_app("client-id", "secret", redirect_uris=["http://localhost/cb"])
        emu.add_mailbox("alice@example.com")
        token = emu.issue_tokens("alice@example.com", "client-id")["access_token"]
        requests.get(emu.graph_url + "/me/events",
                     headers={"Authorization": f"Bearer {token}"})

Methods acting as the Outlook user (create_event, update_event, ...) take and return
Graph JSON (times in UTC) and mail attendees like Outlook does; seed() does not.
"""

from datetime import datetime

from . import calendar_actions, calendar_store, meetings, seeding, subscriptions, todo
from .app import GraphApp
from .change_log import TokenRegistry
from .counters import Counters
from .errors import GraphError
from .event_model import Mailbox
from .event_render import RenderOptions, render_event, render_instance
from .html_view import overview_page
from .server import HttpServer
from .state import EmulatorState
from .tls import Certificates

DEFAULT_SCOPES = ("openid", "profile", "offline_access", "User.Read", "Calendars.ReadWrite",
                  "Tasks.ReadWrite")


class GraphEmulator:
    def __init__(self, seed=0):
        self.state = EmulatorState(seed)
        self.app = GraphApp(self.state, self)
        self._server = None
        self._certificates = None
        self._auto_delivery = None

    # --- lifecycle ---------------------------------------------------------------------

    def start(self, port=0):
        """Listen on 127.0.0.1:port (0 picks a free port); returns self."""
        self._certificates = Certificates()
        self._server = HttpServer(self.app, self._certificates.context, port=port)
        self._server.start()
        return self

    def stop(self):
        self.auto_deliver_notifications(False)
        if self._server:
            self._server.stop()
            self._server = None
        if self._certificates:
            self._certificates.cleanup()

    def __enter__(self):
        return self if self._server else self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def port(self):
        return self._server.port

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def https_url(self):
        return f"https://127.0.0.1:{self.port}"

    @property
    def graph_url(self):
        return self.base_url + "/v1.0"

    @property
    def ca_bundle(self):
        return self._certificates.ca_bundle if self._certificates else None

    @property
    def ca_pem(self):
        return self._certificates.ca_pem if self._certificates else ""

    # --- directory ---------------------------------------------------------------------

    def add_app(self, client_id, client_secret, redirect_uris=(), name=None):
        """Register an Entra ID app: its id, secret and allowed redirect URIs."""
        with self.state.lock:
            self.state.apps[client_id] = {"client_secret": client_secret,
                                          "redirect_uris": list(redirect_uris),
                                          "name": name or "Odoo Outlook Calendar"}
        return client_id

    def add_mailbox(self, email, display_name=None):
        """Create a user mailbox (emails compare case-insensitively); returns its summary."""
        with self.state.lock:
            key = email.strip().lower()
            if key not in self.state.mailboxes:
                name = display_name or email.split("@")[0].replace(".", " ").title()
                mailbox = Mailbox(email=email.strip(), display_name=name,
                                  oid=self.state.ids.guid("user"),
                                  tokens=TokenRegistry(self.state.ids))
                todo.add_default_list(self.state, mailbox)
                self.state.mailboxes[key] = mailbox
            mailbox = self.state.mailboxes[key]
            return {"email": mailbox.email, "id": mailbox.oid,
                    "displayName": mailbox.display_name}

    def _mailbox(self, email):
        mailbox = self.state.mailbox(email)
        if mailbox is None:
            raise ValueError(f"No mailbox {email!r}: add it with add_mailbox() first.")
        return mailbox

    # --- identity ----------------------------------------------------------------------

    def set_consent(self, email, accept=True):
        """Make the browser step automatic (sign in as email; accept or refuse), or
        set_consent(None) to show the consent page again."""
        with self.state.lock:
            self.state.auto_consent = None if email is None else (email, bool(accept))

    def issue_tokens(self, email, client_id, scopes=DEFAULT_SCOPES):
        """Tokens as if the user had signed in: {access_token, refresh_token, expires_in}."""
        with self.state.lock:
            body = self.state.identity_api.issue(email, client_id, list(scopes),
                                                 client_info=False, refresh=True)
        return {k: body[k] for k in ("access_token", "refresh_token", "expires_in")}

    def set_token_lifetime(self, seconds):
        """Lifetime (expires_in) of access tokens issued from now on."""
        with self.state.lock:
            self.state.token_lifetime = int(seconds)

    def expire_access_tokens(self, email=None):
        with self.state.lock:
            for record in self.state.access_tokens.values():
                if email is None or record["email"] == email.lower():
                    record["expired"] = True

    def revoke(self, email):
        """The user withdrew consent: refresh grants fail, access tokens answer 401."""
        with self.state.lock:
            self.state.revoke(email)

    def expire_delta_tokens(self, email):
        """Forget the mailbox's delta state: old tokens now answer 410 SyncStateNotFound."""
        with self.state.lock:
            self._mailbox(email).tokens.expire_all()

    # --- acting as the Outlook user ----------------------------------------------------

    def create_event(self, email, graph_json):
        with self.state.lock:
            event = calendar_actions.create(self.state, self._mailbox(email), graph_json)
            return render_event(event, RenderOptions())

    def update_event(self, email, id, patch):  # noqa: A002 - Graph's name for it
        with self.state.lock:
            event, instance = calendar_actions.update(self.state, self._mailbox(email), id,
                                                      patch)
            return _render(event, instance)

    def delete_event(self, email, id):  # noqa: A002
        with self.state.lock:
            calendar_actions.delete(self.state, self._mailbox(email), id)

    def respond(self, email, id, response, send_response=True):  # noqa: A002
        """response: "accept", "decline" or "tentativelyAccept"."""
        with self.state.lock:
            calendar_actions.respond(self.state, self._mailbox(email), id, response,
                                     send_response)

    def events(self, email):
        """Single events and series masters, as Graph lists /me/events (UTC)."""
        with self.state.lock:
            mailbox = self._mailbox(email)
            return [render_event(mailbox.events[c], RenderOptions())
                    for c in mailbox.order if c in mailbox.events]

    def get_event(self, email, id):  # noqa: A002
        with self.state.lock:
            try:
                event, instance = calendar_store.resolve(self._mailbox(email), id)
            except GraphError:
                return None
            return _render(event, instance)

    def import_copy(self, email, source_email, event_id):
        """Put into `email` a copy of `source_email`'s event (same iCalUId, the real
        organizer, `email` neither organizer nor attendee); later changes to the original
        never reach it. Mails nobody."""
        with self.state.lock:
            event = meetings.import_copy(self.state, self._mailbox(email),
                                         self._mailbox(source_email), event_id)
            return render_event(event, RenderOptions())

    def deliver_invitation(self, email, graph_json, organizer_email, organizer_name=None,
                           ical_uid=None):
        """Put into `email` an invitation organized by `organizer_email` (any address, an
        emulated mailbox holding no such meeting included): isOrganizer false, answer
        none, `email` among the attendees. Mails nobody."""
        with self.state.lock:
            event = meetings.deliver_invitation(self.state, self._mailbox(email), graph_json,
                                                organizer_email, organizer_name, ical_uid)
            return render_event(event, RenderOptions())

    def seed(self, email, n, mix=None, start=None, span_days=365):
        """n events over the sync window; no mail is counted. Returns n."""
        with self.state.lock:
            return seeding.seed(self.state, self._mailbox(email), n, mix, start, span_days)

    # --- service choices ---------------------------------------------------------------

    def set_options(self, **options):
        """Pick among the behaviours the live service may show (see service_options.py);
        returns every option's value. reset() brings the defaults back."""
        with self.state.lock:
            return self.state.options.update(**options)

    def options(self):
        with self.state.lock:
            return self.state.options.as_dict()

    # --- faults, counters, clock -------------------------------------------------------

    def add_fault(self, method, path_pattern, kind, times=1, status=None, retry_after=None,
                  delay=None, after_apply=False, subject=None, replace=None, probability=None,
                  after_requests=None, email=None):
        """Inject a fault; see faults.py for the pattern rules, probability and revoke."""
        with self.state.lock:
            fault = self.state.faults.add(method, path_pattern, kind, times, status,
                                          retry_after, delay, after_apply, subject, replace,
                                          probability, after_requests, email)
            if kind == "revoke" and after_requests == 0:
                # No request to wait for: revoked at once.
                self.state.faults.remove(fault)
                self.state.revoke(email)
                self.state.counters.count_fault("revoke")

    def clear_faults(self):
        with self.state.lock:
            self.state.faults.clear()

    def counters(self):
        with self.state.lock:
            return self.state.counters.snapshot()

    def sent_mail(self):
        """Every message Outlook would have sent: [{"kind", "to", "subject"}]."""
        with self.state.lock:
            return [dict(m) for m in self.state.counters.sent]

    def reset_counters(self):
        with self.state.lock:
            self.state.counters = Counters()

    def reset(self):
        """Back to empty: no app, mailbox, token, subscription, fault or count."""
        self.auto_deliver_notifications(False)
        with self.state.lock:
            self.state.clear()
            self.state.faults.clear()
            self.state.clock.set(None)

    def set_now(self, now):
        """Fix the emulator's clock (datetime or ISO text); None returns to real time."""
        if isinstance(now, str):
            now = datetime.fromisoformat(now.replace("Z", "+00:00"))
        with self.state.lock:
            self.state.clock.set(now)

    # --- notifications and views -------------------------------------------------------

    def deliver_notifications(self):
        """POST queued change notifications now; returns [{"url", "status", "count"}]."""
        return subscriptions.deliver(self.state)

    def auto_deliver_notifications(self, enabled=True, interval=0.5):
        if self._auto_delivery:
            self._auto_delivery.stop()
            self._auto_delivery = None
        if enabled:
            self._auto_delivery = subscriptions.AutoDelivery(self.state, interval)

    def overview_html(self):
        with self.state.lock:
            sections = []
            for mailbox in self.state.mailboxes.values():
                rows = [_overview_row(mailbox.events[c]) for c in mailbox.order
                        if c in mailbox.events]
                sections.append((mailbox, rows))
            return overview_page(sections)


def _render(event, instance):
    options = RenderOptions()
    return render_instance(instance, options) if instance else render_event(event, options)


def _overview_row(event):
    attendees = ", ".join(f"{a['emailAddress']['address']} ({a['status']['response']})"
                          for a in event.fields["attendees"]) or "-"
    fmt = "%Y-%m-%d" if event.is_all_day else "%Y-%m-%d %H:%M"
    subject = event.fields["subject"] + (" [cancelled]" if event.fields["isCancelled"] else "")
    return (subject, event.start.strftime(fmt), event.end.strftime(fmt), attendees, event.kind)
