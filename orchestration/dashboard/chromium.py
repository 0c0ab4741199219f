"""Headless Chromium, driven directly with command-line flags (no driver, no Node, no network).

Used by `integrity screenshot` (`screenshot`, and `dump_dom` to measure the page) and by the browser
tests: `inspect_page` opens a page through the DevTools protocol on a pipe (no port, no driver) and
returns every console message, uncaught exception and network request, plus the value of a
JavaScript expression evaluated once the page says it is ready, so a test can assert "no console
error, no request off disk, every chart drawn".
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from orchestration.errors import UserError

DEFAULT_BINARY = "/usr/bin/chromium"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Quiet, reproducible, offline: no first-run UI, no background traffic, no profile reuse.
BASE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--mute-audio",
    # Any attempt to reach the network fails (and logs a console error) instead of waiting.
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
CONSOLE_LINE = re.compile(r":CONSOLE[:(]?(\d*)\)?\]\s*(.*)$")


def find_chromium() -> str | None:
    """INTEGRITY_CHROMIUM if set, else /usr/bin/chromium, else a Chromium or Chrome on PATH."""
    given = os.environ.get("INTEGRITY_CHROMIUM")
    if given:
        return given if Path(given).exists() else None
    if Path(DEFAULT_BINARY).exists():
        return DEFAULT_BINARY
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def require_chromium() -> str:
    binary = find_chromium()
    if binary is None:
        raise UserError(
            "Chromium not found (looked for $INTEGRITY_CHROMIUM, /usr/bin/chromium and chromium/chrome on PATH): "
            "install it, e.g. `apt-get install -y chromium`, or set INTEGRITY_CHROMIUM to its path"
        )
    return binary


@dataclass
class PageLoad:
    dom: str
    console: list[str]  # every console message, e.g. '"Uncaught TypeError: ...", source: file:///... (12)'
    returncode: int
    stderr: str


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    binary = require_chromium()
    profile = tempfile.mkdtemp(prefix="integrity-chromium-")
    try:
        return subprocess.run(
            [binary, *BASE_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=timeout, check=False,
            env={**os.environ, "HOME": profile},
        )
    except subprocess.TimeoutExpired as exc:
        raise UserError(f"Chromium did not finish within {timeout:.0f}s") from exc
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def console_messages(stderr: str) -> list[str]:
    return [m.group(2) for line in stderr.splitlines() if (m := CONSOLE_LINE.search(line))]


def dump_dom(page: Path, *, budget_ms: int = 3000, width: int = 1440, height: int = 1000, timeout: float = 90) -> PageLoad:
    """Load `page` from disk, run its scripts, return the resulting DOM and the console log."""
    proc = _run(
        [
            "--enable-logging=stderr", "--v=0", f"--virtual-time-budget={budget_ms}",
            f"--window-size={width},{height}", "--dump-dom", page.resolve().as_uri(),
        ],
        timeout,
    )
    return PageLoad(proc.stdout, console_messages(proc.stderr), proc.returncode, proc.stderr)


def screenshot(page: Path, png: Path, *, width: int, height: int, timeout: float = 90) -> Path:
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    proc = _run(
        [f"--screenshot={png.resolve()}", f"--window-size={width},{height}", "--virtual-time-budget=3000",
         page.resolve().as_uri()],
        timeout,
    )
    if proc.returncode != 0 or not png.exists() or png.stat().st_size == 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
        raise UserError(f"Chromium could not screenshot {page} (exit {proc.returncode}):\n{tail}")
    return png


# ---------------------------------------------------------------- DevTools protocol over a pipe


@dataclass
class Inspection:
    """What a page did in the browser: console messages by level, uncaught exceptions, requests."""

    console: list[tuple[str, str]]  # (level, text) from console.* calls and browser log entries
    exceptions: list[str]
    requests: list[str]  # every URL the page asked for (the page itself included)
    value: object  # result of the `evaluate` expression (JSON-serialisable)

    @property
    def errors(self) -> list[str]:
        """Uncaught exceptions and console / log entries at warning or error level."""
        return self.exceptions + [f"{level}: {text}" for level, text in self.console if level in ("error", "warning")]


class _Pipe:
    """Chrome DevTools protocol over --remote-debugging-pipe: NUL-terminated JSON on fds 3 (in) and 4 (out)."""

    def __init__(self, proc: subprocess.Popen[bytes], write_fd: int, read_fd: int) -> None:
        self.proc, self.write_fd, self.read_fd = proc, write_fd, read_fd
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30) -> dict:
        self.next_id += 1
        message: dict = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        reply = self.wait(lambda m: m.get("id") == self.next_id, timeout)
        if "error" in reply:
            raise UserError(f"Chromium DevTools {method} failed: {reply['error']}")
        return reply.get("result", {})

    def wait(self, predicate: Callable[[dict], bool], timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "method" in message:
                    self.events.append(message)
                if predicate(message):
                    return message
            left = deadline - time.monotonic()
            if left <= 0:
                raise UserError(f"Chromium did not answer within {timeout:.0f}s")
            ready, _, _ = select.select([self.read_fd], [], [], min(left, 0.5))
            if ready:
                chunk = os.read(self.read_fd, 1 << 16)
                if not chunk:
                    raise UserError(f"Chromium exited (code {self.proc.poll()}) before answering")
                self.buffer += chunk


def _high_fds(*fds: int) -> list[int]:
    """Move fds above 9, so mapping them onto 3 and 4 in the child cannot clobber one another."""
    moved = []
    for fd in fds:
        moved.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10))
        os.close(fd)
    return moved


def inspect_page(
    page: Path,
    *,
    evaluate: str = "null",
    ready: str = "document.body && document.body.getAttribute('data-ready') === 'true'",
    width: int = 1440,
    height: int = 1000,
    timeout: float = 60,
) -> Inspection:
    """Open `page` in headless Chromium through the DevTools protocol; wait until `ready` is true,
    then return every console message, exception and request, and the value of `evaluate`."""
    binary = require_chromium()
    profile = tempfile.mkdtemp(prefix="integrity-chromium-")
    to_chrome_r, to_chrome_w = _high_fds(*os.pipe())
    from_chrome_r, from_chrome_w = _high_fds(*os.pipe())
    args = [*BASE_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", f"--window-size={width},{height}"]
    # bash maps our pipe ends onto the fds 3 and 4 Chromium expects, then becomes Chromium
    # (bash, not sh: dash cannot redirect from fds above 9).
    proc = subprocess.Popen(
        [shutil.which("bash") or "/bin/bash", "-c", f'exec "$0" "$@" 3<&{to_chrome_r} 4>&{from_chrome_w} {to_chrome_r}<&- {from_chrome_w}>&-', binary, *args, "about:blank"],
        pass_fds=(to_chrome_r, from_chrome_w),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "HOME": profile},
    )
    os.close(to_chrome_r)
    os.close(from_chrome_w)
    cdp = _Pipe(proc, to_chrome_w, from_chrome_r)
    try:
        target = cdp.send("Target.createTarget", {"url": "about:blank"}, timeout=timeout)["targetId"]
        session = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            cdp.send(f"{domain}.enable", session=session)
        cdp.send("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
        cdp.wait(lambda m: m.get("method") == "Page.loadEventFired" and m.get("sessionId") == session, timeout)
        deadline = time.monotonic() + timeout
        while not _evaluate(cdp, session, ready):
            if time.monotonic() > deadline:
                raise UserError(f"{page} never became ready ({ready})")
            time.sleep(0.1)
        value = _evaluate(cdp, session, evaluate)
        with contextlib.suppress(UserError):
            cdp.send("Browser.close", timeout=10)
    finally:
        os.close(to_chrome_w)
        os.close(from_chrome_r)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
    return _summarise(cdp.events, value)


def _evaluate(cdp: _Pipe, session: str, expression: str) -> object:
    reply = cdp.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
    if "exceptionDetails" in reply:
        raise UserError(f"evaluating {expression!r} failed: {reply['exceptionDetails'].get('text')}")
    return reply.get("result", {}).get("value")


def _summarise(events: list[dict], value: object) -> Inspection:
    console: list[tuple[str, str]] = []
    exceptions: list[str] = []
    requests: list[str] = []
    for e in events:
        method, params = e.get("method"), e.get("params", {})
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            level = {"warn": "warning", "assert": "error"}.get(params.get("type"), params.get("type", "log"))
            console.append((level, text))
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            console.append((entry.get("level", "info"), f"{entry.get('text', '')} {entry.get('url', '')}".strip()))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            exceptions.append(details.get("exception", {}).get("description") or details.get("text", "exception"))
        elif method == "Network.requestWillBeSent":
            requests.append(params.get("request", {}).get("url", ""))
    return Inspection(console, exceptions, requests, value)
