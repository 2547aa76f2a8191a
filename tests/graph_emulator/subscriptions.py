"""Change notifications: /subscriptions with the notificationUrl validation handshake.

Creating or renewing a subscription POSTs `notificationUrl?validationToken=...`; the
receiver must answer 200, text/plain, echoing the token within 10 seconds, else the
request fails with 400 ValidationError. Changes in a subscribed mailbox queue
notifications; `deliver()` POSTs them (tests call it, the demo can run a thread).
Graph requires https receivers; the emulator also accepts http ones on loopback.
"""

import threading
from datetime import timedelta
from urllib.parse import urlsplit

import requests

from . import timezones
from .errors import GraphError, bad_request
from .graph_common import caller, context_url, prefs
from .http_messages import Response
from .ids import etag, event_id

MAX_MINUTES = 10080          # Outlook event / message / contact subscriptions
CHANGE_TYPES = ("created", "updated", "deleted")
VALIDATION_TIMEOUT = 10


def register(router, state):
    api = SubscriptionsApi(state)
    state.listeners.append(api.on_change)
    router.add("POST", "/v1.0/subscriptions", api.create, locked=False)
    router.add("GET", "/v1.0/subscriptions", api.list)
    router.add("GET", "/v1.0/subscriptions/{id}", api.get)
    router.add("PATCH", "/v1.0/subscriptions/{id}", api.update)
    router.add("DELETE", "/v1.0/subscriptions/{id}", api.delete)
    return api


def resource_key(resource):
    """("events",) or ("tasks", list id) for a subscription resource path."""
    parts = [p for p in resource.strip().strip("/").split("/") if p]
    lowered = [p.lower() for p in parts]
    if lowered in (["me", "events"], ["me", "calendar", "events"]) or (
            len(lowered) == 3 and lowered[0] == "users" and lowered[2] == "events"):
        return ("events",)
    if len(parts) == 5 and lowered[:3] == ["me", "todo", "lists"] and lowered[4] == "tasks":
        return ("tasks", parts[3])
    raise GraphError(400, "InvalidRequest",
                     f"Invalid 'resource' value '{resource}': subscribe to me/events or "
                     "me/todo/lists/{id}/tasks.")


class SubscriptionsApi:
    def __init__(self, state):
        self.state = state

    # --- routes ---------------------------------------------------------------------------

    def create(self, request):
        with self.state.lock:
            mailbox, token = caller(self.state, request)
            body = request.json()
            record = self._new_record(mailbox, token, body, request)
            challenge = self.state.ids.opaque("validation", 48)
        _validate_endpoint(record["notificationUrl"], challenge)   # outside the lock: it waits
        with self.state.lock:
            self.state.subscriptions[record["id"]] = record
        return Response.json(201, self._shape(record, request))

    def _new_record(self, mailbox, token, body, request):
        change_types = [c.strip() for c in str(body.get("changeType", "")).split(",")]
        if not change_types or any(c not in CHANGE_TYPES for c in change_types):
            raise bad_request("changeType must list created, updated and/or deleted.",
                              "InvalidRequest")
        url = body.get("notificationUrl") or ""
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            raise bad_request("notificationUrl must be an https URL.", "InvalidRequest")
        client_state = body.get("clientState")
        if client_state is not None and (not isinstance(client_state, str)
                                         or len(client_state) > 128):
            raise bad_request("clientState must be a string of at most 128 characters.",
                              "InvalidRequest")
        return {
            "id": self.state.ids.guid("subscription"), "email": mailbox.email.lower(),
            "resource": body.get("resource", ""), "key": resource_key(body.get("resource", "")),
            "changeType": ",".join(change_types), "clientState": client_state,
            "notificationUrl": url,
            "lifecycleNotificationUrl": body.get("lifecycleNotificationUrl"),
            "expirationDateTime": self._expiration(body.get("expirationDateTime")),
            "applicationId": token["client_id"], "creatorId": mailbox.oid,
            "immutable": prefs(request).get("idtype", "").lower() == "immutableid",
        }

    def _expiration(self, value):
        if not value:
            raise bad_request("expirationDateTime is required.", "InvalidRequest")
        moment = timezones.parse_query_datetime(value, "expirationDateTime")
        now = self.state.now()
        if moment <= now:
            raise bad_request("expirationDateTime must be in the future.", "InvalidRequest")
        if moment > now + timedelta(minutes=MAX_MINUTES):
            raise bad_request(f"Subscription expiration can only be {MAX_MINUTES} minutes in "
                              "the future.", "InvalidRequest")
        return moment

    def _shape(self, record, request):
        return {
            "@odata.context": context_url(request, "subscriptions/$entity"),
            "id": record["id"], "resource": record["resource"],
            "applicationId": record["applicationId"], "changeType": record["changeType"],
            "clientState": record["clientState"], "notificationUrl": record["notificationUrl"],
            "notificationQueryOptions": None,
            "lifecycleNotificationUrl": record["lifecycleNotificationUrl"],
            "expirationDateTime": timezones.timestamp(record["expirationDateTime"]),
            "creatorId": record["creatorId"], "includeResourceData": False,
            "latestSupportedTlsVersion": "v1_2", "encryptionCertificate": None,
            "encryptionCertificateId": None, "notificationUrlAppId": None,
        }

    def _own(self, request):
        mailbox, token = caller(self.state, request)
        self._purge_expired()
        record = self.state.subscriptions.get(request.params.get("id", ""))
        if record is None or record["applicationId"] != token["client_id"]:
            raise GraphError(404, "ResourceNotFound", "The object was not found.")
        return record

    def list(self, request):
        _mailbox, token = caller(self.state, request)
        self._purge_expired()
        mine = [self._shape(r, request) for r in self.state.subscriptions.values()
                if r["applicationId"] == token["client_id"]]
        return Response.json(200, {"@odata.context": context_url(request, "subscriptions"),
                                   "value": mine})

    def get(self, request):
        return Response.json(200, self._shape(self._own(request), request))

    def update(self, request):
        record = self._own(request)
        body = request.json()
        if set(body) - {"expirationDateTime"}:
            raise bad_request("Only expirationDateTime can be changed: delete and create the "
                              "subscription again to change anything else.", "InvalidRequest")
        record["expirationDateTime"] = self._expiration(body.get("expirationDateTime"))
        return Response.json(200, self._shape(record, request))

    def delete(self, request):
        record = self._own(request)
        del self.state.subscriptions[record["id"]]
        return Response.empty(204)

    def _purge_expired(self):
        now = self.state.now()
        for key in [k for k, r in self.state.subscriptions.items()
                    if r["expirationDateTime"] <= now]:
            del self.state.subscriptions[key]

    # --- notifications --------------------------------------------------------------------

    def on_change(self, mailbox, change_type, resource):
        now = self.state.now()
        for record in self.state.subscriptions.values():
            if (record["email"] != mailbox.email.lower()
                    or change_type not in record["changeType"].split(",")
                    or record["expirationDateTime"] <= now
                    or record["key"] != _subscription_key(resource)):
                continue
            self.state.notification_queue.append(
                (record["notificationUrl"], self._notification(record, mailbox, change_type,
                                                               resource)))

    def _notification(self, record, mailbox, change_type, resource):
        if resource[0] == "events":
            ident = event_id(resource[1], record["immutable"])
            path = f"Users/{mailbox.oid}/Events/{ident}"
            kind = "#Microsoft.Graph.Event"
            event = mailbox.events.get(resource[1])
        else:
            ident = resource[2]
            path = f"Users/{mailbox.oid}/todo/Lists/{resource[1]}/Tasks/{ident}"
            kind = "#Microsoft.Graph.todoTask"
            event = None
        data = {"@odata.type": kind, "@odata.id": path, "id": ident}
        if event is not None and change_type != "deleted":
            data["@odata.etag"] = etag(event.change_key)
        return {
            "subscriptionId": record["id"],
            "subscriptionExpirationDateTime": timezones.timestamp(record["expirationDateTime"]),
            "changeType": change_type, "resource": path, "resourceData": data,
            "clientState": record["clientState"], "tenantId": self.state.tenant_id,
        }


def _subscription_key(resource):
    return ("events",) if resource[0] == "events" else ("tasks", resource[1])


def _validate_endpoint(url, token):
    try:
        answer = requests.post(url, params={"validationToken": token}, data=b"",
                               headers={"Content-Type": "text/plain; charset=utf-8"},
                               timeout=VALIDATION_TIMEOUT)
        valid = (answer.status_code == 200 and answer.text == token
                 and answer.headers.get("Content-Type", "").startswith("text/plain"))
    except requests.RequestException:
        valid = False
    if not valid:
        raise GraphError(400, "ValidationError",
                         "Subscription validation request failed. Notification endpoint must "
                         "respond with 200 OK to validation request.")


def deliver(state):
    """POST every queued notification, grouped per notificationUrl; returns what happened."""
    with state.lock:
        queued, state.notification_queue = state.notification_queue, []
    batches = {}
    for url, notification in queued:
        batches.setdefault(url, []).append(notification)
    results = []
    for url, items in batches.items():
        try:
            status = requests.post(url, json={"value": items}, timeout=10).status_code
        except requests.RequestException:
            status = None
        results.append({"url": url, "status": status, "count": len(items)})
    return results


class AutoDelivery:
    """Delivers queued notifications every `interval` seconds in a background thread."""

    def __init__(self, state, interval=0.5):
        self.state = state
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="graph-emulator-notify",
                                        daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(self.interval):
            if self.state.notification_queue:
                deliver(self.state)

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)
