"""What a Lambda sandbox gives a function that a plain child process does not have: a /tmp of its
own. The runtime keeps state under /tmp (Lambda's only writable path); sharing one /tmp between the
function processes here, or with anything else on this machine, would let one function see what
another wrote, which Lambda never allows. Each function process therefore runs in a mount
namespace of its own with a private directory bound over /tmp (this needs root; without it the
rehearsal says so and runs with the shared /tmp).

The set-up runs in the child between fork and exec, so the moment of exec is what the child
reports back: init times count from the bootstrap's start, as Lambda's Init Duration does, not
from the sandbox's set-up.
"""
import ctypes
import functools
import os
import signal
import subprocess
import time

_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1
_CLONE_NEWNS = 0x00020000
_MS_BIND = 4096
_MS_REC = 16384
_MS_PRIVATE = 1 << 18


def die_with_parent(sig=signal.SIGTERM):
    """In the child: get `sig` when the rehearsal dies, however it dies."""
    _libc.prctl(_PR_SET_PDEATHSIG, sig)


def _private_tmp(directory):
    """In the child: a mount namespace whose /tmp is `directory`. False when not permitted."""
    if _libc.unshare(_CLONE_NEWNS) != 0:
        return False
    if _libc.mount(b"none", b"/", None, _MS_REC | _MS_PRIVATE, None) != 0:
        return False
    return _libc.mount(directory, b"/tmp", None, _MS_BIND, None) == 0


@functools.cache
def private_tmp_available():
    """Whether this machine lets the rehearsal give each process its own /tmp (checked once)."""
    probe = os.path.realpath("/tmp").encode()

    def bind_tmp_onto_itself():
        if not _private_tmp(probe):
            os._exit(1)
    return subprocess.run(["/bin/true"], preexec_fn=bind_tmp_onto_itself).returncode == 0


class Launch:
    """Starts one function process in its sandbox and learns the monotonic time of its exec."""

    def __init__(self, tmp_dir):
        self.tmp_dir = tmp_dir.encode() if tmp_dir else None
        self._read, self._write = os.pipe()

    def _in_child(self):
        die_with_parent(signal.SIGKILL)   # it may be frozen (SIGSTOP), which only SIGKILL ends
        if self.tmp_dir is not None and not _private_tmp(self.tmp_dir):
            os._exit(126)
        os.write(self._write, str(time.monotonic_ns()).encode())

    def popen(self, argv, **kwargs):
        """`subprocess.Popen` in the sandbox; returns (process, exec time in monotonic ns)."""
        try:
            process = subprocess.Popen(argv, preexec_fn=self._in_child, **kwargs)
        finally:
            os.close(self._write)
        with os.fdopen(self._read, "rb") as r:
            stamp = r.read()
        return process, int(stamp) if stamp else time.monotonic_ns()
