"""Child processes and local HTTP for the demo, the screenshots and the end-to-end test.

Besides the standard library nothing is used. Child processes run in their
own process group and get SIGTERM when the process that started them dies, so
no server outlives a crashed test or demo. HTTP goes to 127.0.0.1 only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import contextlib
import ctypes
from dataclasses import dataclass, field
import json
import logging
import os
from pathlib import Path
import signal
import socket
import subprocess
import sys
import time
from typing import IO, Any, Protocol
import urllib.error
import urllib.parse
import urllib.request

_LOGGER = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCALHOST = "127.0.0.1"


class HttpError(Exception):
    """An HTTP request answered with a status other than 2xx."""

    def __init__(self, method: str, url: str, status: int, body: str) -> None:
        """Keep the status and a short excerpt of the body for the message."""
        super().__init__(f"{method} {url} -> HTTP {status}: {body[:300]}")
        self.status = status
        self.body = body


def http_request(
    method: str,
    url: str,
    *,
    token: str | None = None,
    json_body: Any = None,
    form: Mapping[str, str] | None = None,
    timeout: float = 15.0,
) -> Any:
    """Send one request to a local server; return the decoded JSON (or text) answer."""
    raw, content_type = http_request_bytes(
        method, url, token=token, json_body=json_body, form=form, timeout=timeout
    )
    text = raw.decode()
    if "json" in content_type and text:
        return json.loads(text)
    return text


def http_request_bytes(
    method: str,
    url: str,
    *,
    token: str | None = None,
    json_body: Any = None,
    form: Mapping[str, str] | None = None,
    timeout: float = 15.0,
) -> tuple[bytes, str]:
    """Send one request to a local server; return the body and its content type."""
    if not url.startswith(f"http://{LOCALHOST}:"):
        raise ValueError(f"only http://{LOCALHOST} is allowed, not {url}")
    headers = {"Accept": "application/json"}
    data: bytes | None = None
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    # The scheme and host were checked above: only http://127.0.0.1.
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as err:
        raise HttpError(method, url, err.code, err.read().decode(errors="replace")) from None


def free_port() -> int:
    """Find a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCALHOST, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(
    what: str,
    check: Callable[[], Any],
    *,
    timeout: float,
    interval: float = 0.5,
    alive: Callable[[], None] | None = None,
) -> Any:
    """Call ``check`` until it returns something truthy; raise TimeoutError after ``timeout``.

    Exceptions from ``check`` count as "not yet" (servers refuse connections
    while starting). ``alive`` may raise to abort early, e.g. when the process
    under test died.
    """
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while True:
        if alive is not None:
            alive()
        try:
            result = check()
        except (OSError, HttpError, ValueError, KeyError) as err:
            last_error = err
        else:
            if result:
                return result
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error})" if last_error else ""
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}{detail}")
        time.sleep(interval)


class Process(Protocol):
    """What a started server is to whoever started it: a name, a liveness check and a stop.

    :class:`ManagedProcess` is one; the end-to-end test's in-process simulator
    is another.
    """

    name: str

    def ensure_running(self) -> None:
        """Raise if the server has stopped by itself."""

    def stop(self, timeout: float = 30.0) -> int | None:
        """Stop the server; return its exit code."""


@dataclass
class ManagedProcess:
    """A child process in its own process group, logging to a file."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    _log_file: IO[bytes] = field(repr=False)

    def ensure_running(self) -> None:
        """Raise with the log's tail if the process has exited."""
        if (code := self.popen.poll()) is not None:
            raise RuntimeError(
                f"{self.name} exited with code {code}; last log lines:\n{self.log_tail()}"
            )

    def log_tail(self, lines: int = 30) -> str:
        """Read the last lines the process wrote."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM the whole group, wait, then SIGKILL; return the exit code."""
        try:
            if self.popen.poll() is None:
                _signal_group(self.popen.pid, signal.SIGTERM)
                try:
                    self.popen.wait(timeout)
                except subprocess.TimeoutExpired:
                    _LOGGER.warning("%s did not stop in %.0f s; killing it", self.name, timeout)
            # Children of the process (if any) are killed with the group.
            _signal_group(self.popen.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(10)
        finally:
            self._log_file.close()
        return self.popen.returncode


def _signal_group(pid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the parent dies (Linux), so no server outlives a crash."""
    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


def start_process(
    name: str, args: list[str], *, log_path: Path, cwd: Path = REPO_ROOT
) -> ManagedProcess:
    """Start ``args`` in a new session (own process group) with output to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_file = log_path.open("ab")
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    _LOGGER.info("starting %s: %s", name, " ".join(args[:4]))
    # args is built by this module from sys.executable and fixed options.
    popen = subprocess.Popen(  # noqa: S603
        args,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
    )
    return ManagedProcess(name, popen, log_path, log_file)
