"""The request pipeline: count, inject faults, authenticate in the handler, answer."""

import json
import logging
import time

from . import batch, control, graph_calendar_api, identity, subscriptions, todo
from .errors import GraphError, IdentityError, graph_error_response
from .http_messages import Response
from .routing import Router

_logger = logging.getLogger(__name__)


class DropConnection(Exception):
    """Raised inside a $batch when an inner request must lose the whole connection."""


class GraphApp:
    def __init__(self, state, emulator):
        self.state = state
        self.router = Router()
        state.identity_api = identity.register(self.router, state)
        graph_calendar_api.register(self.router, state)
        todo.register(self.router, state)
        subscriptions.register(self.router, state)
        batch.register(self.router, self)
        self.control = control.Control(emulator)

    def handle(self, request):
        if request.path.startswith("/_emulator"):
            return self.control.handle(request)
        route, params = self.router.find(request.method, request.path)
        template = route.template if route else "(unknown route)"
        with self.state.lock:
            self.state.counters.count_request(f"{request.method} {template}")
            fault = self.state.faults.take(request.method, request.path)
            if fault:
                self.state.counters.count_fault(fault.kind)
        if fault and fault.kind == "delay":
            time.sleep(fault.delay)
        failing = fault and fault.kind in ("status", "drop")
        if failing and not fault.after_apply:
            return self._failed(fault, request)
        response = self._dispatch(route, params, request)
        self._count_for_revoke(route, request)
        if failing:
            # after_apply: the request was carried out, yet the client sees a failure.
            return self._failed(fault, request)
        if fault and fault.kind == "mangle" and response.status == 200 and response.body:
            response.body = json.dumps(fault.mangle(json.loads(response.body))).encode()
        return response

    def _failed(self, fault, request):
        if fault.kind == "drop":
            return self._drop(request)
        code, message = fault.error_body()
        return graph_error_response(fault.status, code, message, self.state.now(),
                                    fault.headers())

    def _count_for_revoke(self, route, request):
        """A revoke fault counts the Graph requests its mailbox made; the $batch envelope
        is left out, its inner requests count one by one."""
        if route is not None and route.template == batch.ROUTE:
            return
        auth = request.headers.get("authorization", "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        with self.state.lock:
            record = self.state.access_tokens.get(token) if token else None
            if record is None:
                return
            for fault in self.state.faults.answered(request.method, request.path,
                                                    record["email"]):
                self.state.revoke(fault.email)
                self.state.counters.count_fault("revoke")

    @staticmethod
    def _drop(request):
        if request.inner:
            raise DropConnection()
        return Response(0, drop=True)

    def _dispatch(self, route, params, request):
        if route is None:
            return self._no_route(params, request)
        request.params = params
        try:
            if not route.locked:
                return route.handler(request)
            with self.state.lock:
                return route.handler(request)
        except (GraphError, IdentityError) as exc:
            return exc.to_response(self.state.now())
        except DropConnection:
            if request.inner:
                raise
            return Response(0, drop=True)       # an inner request of this $batch dropped
        except Exception:
            _logger.exception("Emulator failure on %s %s", request.method, route.template)
            return graph_error_response(500, "generalException",
                                        "The emulator failed on this request.",
                                        self.state.now())

    def _no_route(self, other_methods, request):
        now = self.state.now()
        if other_methods:
            return graph_error_response(405, "Request_BadRequest",
                                        "Specified HTTP method is not allowed for the request "
                                        "target.", now)
        segment = request.path.rstrip("/").rsplit("/", 1)[-1]
        return graph_error_response(400, "BadRequest",
                                    f"Resource not found for the segment '{segment}'.", now)
