"""One function as Lambda runs it: the bootstrap process in its sandbox, its Runtime API, its
cold start, its invocations, and its output for when something goes wrong.
"""
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from . import sandbox
from .runtime_api import RuntimeAPI

INIT_TIMEOUT = 10   # Lambda's limit for the init phase of an on-demand function


def command(service):
    """How Lambda starts the bundle: `bootstrap` alone; the service binary as `<binary> lambda`."""
    return [service] if Path(service).name == "bootstrap" else [service, "lambda"]


class FunctionProcess:
    """Starts `function` (template.Function) from `service` with the environment `env_for(runtime_api)` gives."""

    def __init__(self, function, service, env_for, work_dir):
        self.function = function
        self.argv = command(os.path.abspath(service))
        self.env_for = env_for
        self.dir = Path(work_dir) / function.name
        self.process = None
        self.api = None
        self.init_ms = None       # exec → first `next`
        self.init_failure = None  # why it did not initialise (with its output)
        self.gone = None          # why it can take no more invocations

    @property
    def ready(self):
        return self.init_failure is None and self.gone is None and self.process is not None

    def start(self):
        """Cold start: returns once the process asked for its first invocation, failed, or timed out."""
        shutil.rmtree(self.dir, ignore_errors=True)
        (self.dir / "tmp").mkdir(parents=True)
        self.api = RuntimeAPI(self.function.arn, self.function.timeout)
        env = self.env_for(self.api.address)
        launch = sandbox.Launch(str(self.dir / "tmp") if sandbox.private_tmp_available() else None)
        with open(self.dir / "stdout", "wb") as out, open(self.dir / "stderr", "wb") as err:
            self.process, exec_ns = launch.popen(self.argv, env=env, cwd=env["LAMBDA_TASK_ROOT"], stdout=out, stderr=err,
                                                 stdin=subprocess.DEVNULL)
        self.api.attach(self.process.pid)
        deadline = time.monotonic() + INIT_TIMEOUT
        with self.api.changed:
            while self.api.first_next_ns is None and self.api.init_error is None and self.process.poll() is None:
                if time.monotonic() > deadline:
                    break
                self.api.changed.wait(0.02)
        if self.api.first_next_ns is not None and self.api.init_error is None:
            self.init_ms = (self.api.first_next_ns - exec_ns) / 1e6
        elif self.api.init_error is not None:
            kind, body = self.api.init_error
            self.init_failure = f"POST /init/error ({kind}): {body.decode(errors='replace')}"
        elif self.process.poll() is not None:
            self.init_failure = f"exited with status {self._status()} before asking for an invocation"
        else:
            self.init_failure = f"did not ask for an invocation within {INIT_TIMEOUT} s"
        return self

    def invoke(self, event):
        """Delivers one event and waits for the answer (the function's timeout, plus a little)."""
        if not self.ready:
            raise RuntimeError(self.gone or self.init_failure or "not started")
        invocation = self.api.invoke(event)
        deadline = time.monotonic() + self.function.timeout + 2
        while not invocation.done.wait(0.05):
            if self.process.poll() is not None:
                self.gone = f"exited with status {self._status()} during an invocation"
                invocation.outcome = "exited"
                break
            if time.monotonic() > deadline:
                self.gone = f"did not answer within its {self.function.timeout} s timeout"
                invocation.outcome = "timeout"
                self.stop()
                break
        return invocation

    def _status(self):
        code = self.process.returncode
        return f"{code} (signal {signal.Signals(-code).name})" if code < 0 else str(code)

    def output_tail(self, lines=12):
        """The last lines of the process's stderr and stdout, for a failure report."""
        parts = []
        for name in ("stderr", "stdout"):
            path = self.dir / name
            text = path.read_text(errors="replace").strip().splitlines()[-lines:] if path.exists() else []
            if text:
                parts.append(f"{name}:\n" + "\n".join("    " + t for t in text))
        return "\n".join(parts) or "(no output)"

    def stop(self):
        if self.api:
            self.api.close()   # thaws it first: a stopped process cannot handle SIGTERM
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(2)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
