"""The socket side: one port answering plain HTTP and TLS.

Each new connection is peeked at: a first byte 0x16 is a TLS handshake, which is then
wrapped with the emulator's certificate; anything else is plain HTTP. So
http://127.0.0.1:PORT suits browsers and https://127.0.0.1:PORT suits msal.
"""

import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .http_messages import Request

TLS_HANDSHAKE = b"\x16"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address, app, tls_context):
        self.app = app
        self.tls_context = tls_context
        super().__init__(address, _Handler)

    def finish_request(self, request, client_address):
        connection = request
        try:
            request.settimeout(30)
            # Headers and body go out in two writes: without this a client's delayed ACK
            # would hold every answer back ~40 ms.
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if request.recv(1, socket.MSG_PEEK) == TLS_HANDSHAKE:
                connection = self.tls_context.wrap_socket(request, server_side=True)
            self.RequestHandlerClass(connection, client_address, self)
        except (OSError, ssl.SSLError):
            pass                            # a client that hung up or failed the handshake
        finally:
            if connection is not request:
                connection.close()

    def handle_error(self, request, client_address):
        pass                                # connection errors are the client's business


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GraphEmulator/1.0"

    def log_message(self, format, *args):   # noqa: A002 - keep the test output quiet
        pass

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        scheme = "https" if isinstance(self.connection, ssl.SSLSocket) else "http"
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_address[1]}"
        headers = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        request = Request.from_target(self.command, self.path, headers, body,
                                      f"{scheme}://{host}")
        response = self.server.app.handle(request)
        if response.drop:
            self._drop()
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    def _drop(self):
        """Close without a byte of answer: what a lost response looks like to a client."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve


class HttpServer:
    """Runs the app on 127.0.0.1:port in a background thread."""

    def __init__(self, app, tls_context, host="127.0.0.1", port=0):
        self._server = _Server((host, port), app, tls_context)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name=f"graph-emulator-{self.port}", daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
