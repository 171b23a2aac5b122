"""The Lambda Runtime API (2018-06-01) for one function process, on 127.0.0.1.

A `provided.al2023` bootstrap talks to nothing else: it asks for the next invocation (the request
blocks until there is one), answers with a response or an error, or reports that it could not
initialise. This server plays Lambda's side for one process: the rehearsal queues events with
`invoke` and gets the function's answer back, and it learns when the process first asked for work
(the end of its init) or why it could not start.

Like Lambda, it freezes the process while it waits for work: once the bootstrap asks for the next
invocation and none is queued, the process is stopped (SIGSTOP) until one is. Nothing runs in a
sandbox between invocations in AWS, so nothing may here either; and a runtime that spins while it
waits would otherwise take the CPU from the functions that are working.
"""
import json
import os
import queue
import signal
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/2018-06-01/runtime"


class Invocation:
    """One event handed to the function, and what became of it."""

    def __init__(self, event):
        self.request_id = str(uuid.uuid4())
        self.event = event
        self.outcome = None       # "response" or "error" (or, set by the caller, "timeout"/"exited")
        self.body = b""
        self.error_type = None
        self.done = threading.Event()

    def json(self):
        """The answer as JSON (None when it is not JSON)."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class RuntimeAPI:
    def __init__(self, function_arn, timeout_seconds):
        self.function_arn = function_arn
        self.timeout_seconds = timeout_seconds
        self.waiting = queue.Queue()
        self.by_id = {}
        self.first_next_ns = None
        self.init_error = None       # (error type, body) from POST /init/error
        self.changed = threading.Condition()
        self.pid = None              # the process to freeze between invocations, once it runs
        self.frozen = False
        self.freezing = threading.Lock()
        self.server = _Server(("127.0.0.1", 0), _handler(self))
        self.address = "127.0.0.1:%d" % self.server.server_address[1]
        # A short poll interval: `close` waits for the loop to notice, and the benchmark closes one per start.
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()

    def invoke(self, event):
        """Queues `event` (a dict) for the function; wait on the result's `done`."""
        invocation = Invocation(event)
        self.by_id[invocation.request_id] = invocation
        with self.freezing:
            self.waiting.put(invocation)
            self._thaw()
        return invocation

    def attach(self, pid):
        """The process to freeze while it waits (frozen at once if it is already waiting)."""
        self.pid = pid
        if self.first_next_ns is not None:
            self._freeze_while_idle()

    def _freeze_while_idle(self):
        with self.freezing:
            if self.pid is not None and not self.frozen and self.waiting.empty():
                os.kill(self.pid, signal.SIGSTOP)
                self.frozen = True

    def _thaw(self):
        if self.frozen:
            os.kill(self.pid, signal.SIGCONT)
            self.frozen = False

    def close(self):
        """Thaws the process (so it can be stopped) and stops serving."""
        with self.freezing:
            self._thaw()
            self.pid = None
        self.waiting.put(None)   # releases a `next` still waiting
        self.server.shutdown()
        self.server.server_close()

    def _notify(self):
        with self.changed:
            self.changed.notify_all()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A process stopped mid-request closes its connection; that is no error of the emulator."""


def _handler(api):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"   # the bootstrap keeps its connection alive between invocations

        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path != PREFIX + "/invocation/next":
                return self._answer(404, {"errorType": "NotFound", "errorMessage": self.path})
            if api.first_next_ns is None:
                api.first_next_ns = time.monotonic_ns()
                api._notify()
            api._freeze_while_idle()
            invocation = api.waiting.get()
            if invocation is None:
                return self._answer(500, {"errorType": "ServiceShutdown", "errorMessage": "the rehearsal is stopping"})
            body = json.dumps(invocation.event).encode()
            trace = "Root=1-%08x-%s;Parent=%s;Sampled=0" % (int(time.time()), uuid.uuid4().hex[:24], uuid.uuid4().hex[:16])
            self.send_response(200)
            for name, value in (("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                                ("Lambda-Runtime-Aws-Request-Id", invocation.request_id),
                                ("Lambda-Runtime-Deadline-Ms", str(int((time.time() + api.timeout_seconds) * 1000))),
                                ("Lambda-Runtime-Invoked-Function-Arn", api.function_arn),
                                ("Lambda-Runtime-Trace-Id", trace)):
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            body = self._body()
            if self.path == PREFIX + "/init/error":
                api.init_error = (self.headers.get("Lambda-Runtime-Function-Error-Type"), body)
                api._notify()
                return self._answer(202, {"status": "OK"})
            parts = self.path[len(PREFIX):].strip("/").split("/")
            if len(parts) != 3 or parts[0] != "invocation" or parts[2] not in ("response", "error"):
                return self._answer(404, {"errorType": "NotFound", "errorMessage": self.path})
            invocation = api.by_id.get(parts[1])
            if invocation is None or invocation.done.is_set():
                return self._answer(400, {"errorType": "InvalidRequestID", "errorMessage": f"no invocation {parts[1]} is in progress"})
            invocation.outcome, invocation.body = parts[2], body
            invocation.error_type = self.headers.get("Lambda-Runtime-Function-Error-Type")
            invocation.done.set()
            self._answer(202, {"status": "OK"})

        def _body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0], 16)
                    chunk = self.rfile.read(size + 2)[:size]
                    if size == 0:
                        return b"".join(chunks)
                    chunks.append(chunk)
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _answer(self, status, obj):
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
