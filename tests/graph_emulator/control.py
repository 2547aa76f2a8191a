"""Driving the emulator over HTTP, for a demo or a test running it as another process.

    GET  /_emulator/            read-only HTML view of every mailbox's events
    GET  /_emulator/ca.pem      the CA certificate to trust for https://127.0.0.1:PORT
    GET  /_emulator/counters    the same JSON as GraphEmulator.counters()
    POST /_emulator/<method>    call a GraphEmulator method with a JSON object of
                                keyword arguments; answers {"result": ...}

Only the methods listed in METHODS can be called. Control routes are never counted and
never meet injected faults.
"""

import json

from .errors import GraphError
from .http_messages import Response

METHODS = (
    "add_app", "add_mailbox", "set_consent", "issue_tokens", "expire_access_tokens",
    "revoke", "expire_delta_tokens", "set_token_lifetime", "create_event", "update_event",
    "delete_event", "respond", "events", "get_event", "seed", "add_fault", "clear_faults",
    "counters", "sent_mail", "reset_counters", "reset", "set_now", "deliver_notifications",
    "auto_deliver_notifications", "set_options", "options", "import_copy",
    "deliver_invitation",
)


class Control:
    def __init__(self, emulator):
        self.emulator = emulator

    def handle(self, request):
        name = request.path[len("/_emulator"):].strip("/")
        if request.method == "GET" and name == "":
            return Response.html(200, self.emulator.overview_html())
        if request.method == "GET" and name == "ca.pem":
            return Response(200, self.emulator.ca_pem.encode(),
                            {"Content-Type": "application/x-pem-file"})
        if request.method == "GET" and name == "counters":
            return Response.json(200, self.emulator.counters())
        if request.method != "POST" or name not in METHODS:
            return Response.json(404, {"error": f"No control operation '{name}'. Use one of: "
                                                f"{', '.join(METHODS)}."})
        return self._call(name, request.body)

    def _call(self, name, body):
        try:
            kwargs = json.loads(body) if body else {}
            if not isinstance(kwargs, dict):
                raise ValueError("Send the keyword arguments as a JSON object.")
            result = getattr(self.emulator, name)(**kwargs)
        except GraphError as exc:
            return exc.to_response(self.emulator.state.now())
        except (TypeError, ValueError, KeyError) as exc:
            return Response.json(400, {"error": str(exc)})
        return Response.json(200, {"result": result})
