"""Error types the emulator raises, each able to render the body Microsoft sends."""

import json
import uuid

from .http_messages import Response


class GraphError(Exception):
    """An error answered in Microsoft Graph's shape: {"error": {"code", "message", ...}}."""

    def __init__(self, status, code, message, headers=None):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def to_response(self, now):
        return graph_error_response(self.status, self.code, self.message, now, self.headers)


def graph_error_response(status, code, message, now, headers=None):
    request_id = str(uuid.uuid4())
    body = {
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": now.strftime("%Y-%m-%dT%H:%M:%S"),
                "request-id": request_id,
                "client-request-id": request_id,
            },
        }
    }
    all_headers = {"request-id": request_id, "client-request-id": request_id}
    all_headers.update(headers or {})
    return Response.json(status, body, all_headers)


class IdentityError(Exception):
    """A token endpoint error in the identity platform's shape (error, AADSTS code, ids)."""

    def __init__(self, status, error, aadsts, message):
        super().__init__(f"{error}: AADSTS{aadsts}: {message}")
        self.status = status
        self.error = error
        self.aadsts = aadsts
        self.message = message

    def to_response(self, now):
        trace_id = str(uuid.uuid4())
        correlation_id = str(uuid.uuid4())
        stamp = now.strftime("%Y-%m-%d %H:%M:%SZ")
        description = (
            f"AADSTS{self.aadsts}: {self.message}\r\nTrace ID: {trace_id}\r\n"
            f"Correlation ID: {correlation_id}\r\nTimestamp: {stamp}"
        )
        body = {
            "error": self.error,
            "error_description": description,
            "error_codes": [self.aadsts],
            "timestamp": stamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": f"https://login.microsoftonline.com/error?code={self.aadsts}",
        }
        return Response(self.status, json.dumps(body).encode(), {
            "Content-Type": "application/json; charset=utf-8",
            "Cache-Control": "no-store, no-cache",
        })


def bad_request(message, code="ErrorInvalidRequest"):
    return GraphError(400, code, message)


def not_found(message="The specified object was not found in the store."):
    return GraphError(404, "ErrorItemNotFound", message)
