"""Change notifications on the emulated Graph: handshake, queue, delivery, renewal."""

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


class Receiver:
    """A notification endpoint: answers the validation handshake and records posts."""

    def __init__(self):
        self.mode = "echo"
        self.validations = []
        self.notifications = []
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                token = parse_qs(urlsplit(self.path).query).get("validationToken")
                if token:
                    receiver.validations.append(token[0])
                    answer = token[0] if receiver.mode == "echo" else "something else"
                    self._answer(200, answer.encode(), "text/plain")
                    return
                receiver.notifications.append(json.loads(body))
                receiver.arrived.set()
                self._answer(202, b"", "text/plain")

            def _answer(self, status, body, content_type):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook?db=test"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()


@pytest.fixture
def receiver():
    endpoint = Receiver()
    yield endpoint
    endpoint.server.shutdown()
    endpoint.server.server_close()


def in_minutes(minutes):
    return (datetime.now(UTC) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def subscribe(mailbox, receiver, change_type="created,updated,deleted", minutes=60):
    return mailbox.post("/subscriptions", json={
        "changeType": change_type, "notificationUrl": receiver.url, "resource": "me/events",
        "expirationDateTime": in_minutes(minutes), "clientState": "secret-state"})


def event(subject):
    return {"subject": subject,
            "start": {"dateTime": "2025-01-02T09:00:00", "timeZone": "UTC"},
            "end": {"dateTime": "2025-01-02T10:00:00", "timeZone": "UTC"}}


def test_subscription_is_created_after_the_validation_handshake(mailbox, receiver):
    answer = subscribe(mailbox, receiver)
    assert answer.status_code == 201, answer.text
    shaped = answer.json()
    assert len(receiver.validations) == 1
    assert shaped["resource"] == "me/events" and shaped["clientState"] == "secret-state"
    assert shaped["changeType"] == "created,updated,deleted"
    assert shaped["notificationUrl"] == receiver.url
    assert [s["id"] for s in mailbox.get("/subscriptions").json()["value"]] == [shaped["id"]]


def test_endpoint_not_echoing_the_token_fails_validation(mailbox, receiver):
    receiver.mode = "wrong"
    answer = subscribe(mailbox, receiver)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "ValidationError"
    assert mailbox.get("/subscriptions").json()["value"] == []


def test_changes_are_queued_and_delivered_on_demand(mailbox, receiver, emulator):
    subscription = subscribe(mailbox, receiver).json()
    created = mailbox.post("/me/events", json=event("Hello")).json()
    mailbox.delete(f"/me/events/{created['id']}")
    assert receiver.notifications == []

    results = emulator.deliver_notifications()
    assert results == [{"url": receiver.url, "status": 202, "count": 2}]
    first, second = receiver.notifications[0]["value"]
    assert first["changeType"] == "created" and second["changeType"] == "deleted"
    assert first["subscriptionId"] == subscription["id"]
    assert first["clientState"] == "secret-state"
    assert first["resourceData"]["id"] == created["id"]
    assert first["resourceData"]["@odata.type"] == "#Microsoft.Graph.Event"
    assert first["resource"] == first["resourceData"]["@odata.id"]
    assert {"subscriptionExpirationDateTime", "tenantId"} <= set(first)


def test_only_subscribed_change_types_notify(mailbox, receiver, emulator):
    subscribe(mailbox, receiver, change_type="deleted")
    created = mailbox.post("/me/events", json=event("Hello")).json()
    mailbox.patch(f"/me/events/{created['id']}", json={"subject": "Changed"})
    assert emulator.deliver_notifications() == []


def test_renewal_and_deletion(mailbox, receiver, emulator):
    subscription = subscribe(mailbox, receiver).json()
    renewed = mailbox.patch(f"/subscriptions/{subscription['id']}",
                            json={"expirationDateTime": in_minutes(2 * 24 * 60)})
    assert renewed.status_code == 200
    assert renewed.json()["expirationDateTime"] > subscription["expirationDateTime"]
    too_far = mailbox.patch(f"/subscriptions/{subscription['id']}",
                            json={"expirationDateTime": in_minutes(8 * 24 * 60)})
    assert too_far.status_code == 400
    assert mailbox.delete(f"/subscriptions/{subscription['id']}").status_code == 204
    mailbox.post("/me/events", json=event("After"))
    assert emulator.deliver_notifications() == []
    assert mailbox.delete(f"/subscriptions/{subscription['id']}").status_code == 404


def test_expiration_beyond_the_outlook_limit_is_refused(mailbox, receiver):
    assert subscribe(mailbox, receiver, minutes=10081).status_code == 400


def test_automatic_delivery_for_the_demo(mailbox, receiver, emulator):
    subscribe(mailbox, receiver)
    emulator.auto_deliver_notifications(True, interval=0.05)
    mailbox.post("/me/events", json=event("Hello"))
    assert receiver.arrived.wait(timeout=10)
    assert receiver.notifications[0]["value"][0]["changeType"] == "created"
