"""moto, the AWS API emulator, as a child process on a free loopback port.

The rehearsal owns the emulator for its whole run: it starts it as the specs' account (so the
existing role's ARN in the templates is not cross-account), hands out boto3 clients bound to it,
and always stops it, also when the rehearsal itself is killed (the child gets SIGTERM when its
parent dies).
"""
import os
import shutil
import socket
import subprocess
import time
import urllib.request

import boto3

from . import sandbox

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def free_port():
    """A port the kernel just handed out on 127.0.0.1 (free until someone else takes it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MotoServer:
    """`moto_server -H 127.0.0.1 -p PORT`, started on enter and stopped on exit."""

    def __init__(self, account, log_path):
        self.account = account
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def __enter__(self):
        executable = shutil.which("moto_server")
        if executable is None:
            raise RuntimeError("moto_server is not installed: python3 -m pip install 'moto[server]'")
        env = dict(os.environ, MOTO_ACCOUNT_ID=self.account)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen([executable, "-H", "127.0.0.1", "-p", str(self.port)], env=env,
                                            stdout=log, stderr=subprocess.STDOUT, preexec_fn=sandbox.die_with_parent)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto exited with status {self.process.returncode}; log: {self.log_tail()}")
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1).read()
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"moto did not answer on {self.url} within 60 s; log: {self.log_tail()}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, lines=20):
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])

    def client(self, service):
        """A boto3 client of this emulator (test credentials, the specs' region)."""
        return client(self.url, service)


def client(url, service):
    """A boto3 client of the emulator at `url`."""
    return boto3.client(service, endpoint_url=url, region_name=REGION, **CREDENTIALS)
