"""One writer at a time: the refresh lock.

A refresh writes the working file, then publishes it. Two refreshes at once (the schedule and the sensor firing
together, two `planwatch refresh` calls, a CLI call during a Dagster run) must not interleave, so every refresh
holds an exclusive `flock` on `<warehouse dir>/.refresh.lock` for its whole run. The kernel drops the lock when
the holding process dies, SIGKILL included, so a crashed refresh never leaves a stale lock behind; the pid and
start time written into the file are only there to tell a waiting caller who it is waiting for.

Within one process the lock is re-entrant: the CLI takes it before loading Dagster, and the ingest assets take it
again (a no-op then); a run launched by the Dagster daemon has no CLI around it, so its first asset takes the lock
and the run's process keeps it until it exits (the refresh job runs in-process, all steps in that one process).
"""

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from planwatch import settings

# path of the lock file → open descriptor, for the locks this process holds
_held: dict[str, int] = {}


class RefreshBusy(RuntimeError):
    """Another process holds the refresh lock and the caller chose not to wait (or waited long enough)."""


def lock_path(warehouse: Path | None = None) -> Path:
    return (warehouse or settings.warehouse_path()).parent / ".refresh.lock"


def holder(warehouse: Path | None = None) -> dict | None:
    """Who holds the lock now ({pid, since, command}), or None when nobody does. Never blocks."""
    path = lock_path(warehouse)
    if str(path) in _held:
        return _describe(path)
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _describe(path)
    finally:
        os.close(fd)
    return None


@contextmanager
def refresh_lock(
    warehouse: Path | None = None,
    wait: bool = True,
    timeout: float | None = None,
    on_wait: Callable[[str], None] = print,
) -> Iterator[Path]:
    """Hold the refresh lock for the duration of the block; wait for it (telling `on_wait` once) or raise
    RefreshBusy when `wait` is False or `timeout` seconds pass."""
    path = lock_path(warehouse)
    if str(path) in _held:
        yield path
        return
    fd = _acquire(path, wait, timeout, on_wait)
    try:
        yield path
    finally:
        _held.pop(str(path), None)
        os.close(fd)


def hold_until_exit(warehouse: Path | None = None, on_wait: Callable[[str], None] = print) -> None:
    """Take the lock unless this process holds it already, and keep it until the process ends."""
    path = lock_path(warehouse)
    if str(path) not in _held:
        _acquire(path, True, None, on_wait)


def _acquire(path: Path, wait: bool, timeout: float | None, on_wait: Callable[[str], None]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = None if timeout is None else time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            busy = f"another refresh holds {path} ({_who(path)})"
            if not wait or (deadline is not None and time.monotonic() >= deadline):
                os.close(fd)
                raise RefreshBusy(busy) from None
            if not told:
                on_wait(f"{busy}; waiting for it to finish")
                told = True
            time.sleep(0.2)
    os.ftruncate(fd, 0)
    os.pwrite(
        fd,
        json.dumps(
            {
                "pid": os.getpid(),
                "since": datetime.now(UTC).isoformat(timespec="seconds"),
                "command": " ".join(_command()),
            }
        ).encode(),
        0,
    )
    _held[str(path)] = fd
    return fd


def _describe(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8") or "null")
    except (OSError, json.JSONDecodeError):
        return {}


def _who(path: Path) -> str:
    info = _describe(path) or {}
    return f"pid {info.get('pid', '?')}, since {info.get('since', '?')}"


def _command() -> list[str]:
    try:
        return Path("/proc/self/cmdline").read_bytes().decode(errors="replace").split("\0")[:-1][:4]
    except OSError:
        return []
