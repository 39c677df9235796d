"""Running core calls in thread workers, never on the UI thread.

Each job opens the store on its worker thread for its own length (SQLite connections
belong to one thread), and its result or error comes back to the UI thread. The worker
threads run at a lower priority than the UI thread: a key's frame goes first.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from textual.dom import DOMNode
from textual.worker import get_current_worker

from frontdesk import store
from frontdesk.errors import FrontdeskError
from frontdesk.store import failures

# How much lower than the UI thread's a worker thread's priority is (nice, Linux only).
# F6 on a busy showroom reloads at each save another desk makes (a search of every
# customer's phone is 0.45 s of CPU); on two cores beside other programs, those threads
# took the cores from the UI thread, and a key's frame waited for them (up to 245 ms,
# ``bench/bench_latency.py``). The reads still take every core the UI thread leaves idle.
WORKER_NICENESS = 10
_thread = threading.local()

# The jobs running on a thread now, by a number of their own: the node each was started for.
# A worker cancelled by a newer one of its group (a search typed on, a reload) leaves the
# app's workers at once, but its thread runs its job to the end (a thread cannot be stopped).
_running: dict[int, DOMNode] = {}
_running_lock = threading.Lock()
_numbers = itertools.count()


def busy(node: DOMNode) -> bool:
    """Whether a job started for ``node``, or for a node inside it, is running on its thread
    now — a cancelled one too, whose answer will be dropped but whose work goes on."""
    with _running_lock:
        nodes = list(_running.values())
    return any(node in started_for.ancestors_with_self for started_for in nodes)


def behind_the_ui() -> None:
    """Lower this worker thread's priority below the UI thread's, once per thread.

    Only where a priority is the thread's own (Linux): elsewhere ``setpriority`` would
    lower the whole process, the UI thread with it, and nothing is done."""
    if getattr(_thread, "behind", False):
        return
    _thread.behind = True
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):  # a sandbox may refuse: the thread runs as it is
            tid = threading.get_native_id()
            os.setpriority(
                os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + WORKER_NICENESS
            )


def run_db(
    node: DOMNode,
    job: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[FrontdeskError], None] | None = None,
    group: str = "db",
    exclusive: bool = False,
) -> None:
    """Run ``job(*args)`` on a thread worker; hand its result to ``on_done`` on the UI thread.

    Unless the worker was cancelled (by a newer ``exclusive`` one of its group, or with its
    screen), one of the two is called whatever happens (a notification stands in for a missing
    ``on_error``), so a screen waiting for the answer (a form that is saving) is never
    left waiting. A refusal the user can act
    on (``FrontdeskError``) goes to ``on_error`` (or a notification); so does any other
    failure, as a ``failures.StoreFailure`` that says what happened in the user's words
    ("another program holds the store: try again"), the raw error going to the log. The
    screen stays as it was, so nothing typed is lost and the user can try again.
    """
    app = node.app

    def refuse(error: FrontdeskError) -> None:
        if on_error is not None:
            app.call_from_thread(on_error, error)
        else:
            app.call_from_thread(app.notify, str(error), severity="error", markup=False)

    def work() -> None:
        worker = get_current_worker()
        behind_the_ui()
        number = next(_numbers)
        with _running_lock:
            _running[number] = node
        try:
            with store.connection():
                result = job(*args)
        except FrontdeskError as error:
            if not worker.is_cancelled:
                refuse(error)
            return
        except Exception as error:  # the store failed: say what happened, keep the screen
            failures.log_failure(error, f"running {_name(job)}", _store_name())
            if not worker.is_cancelled:
                refuse(failures.StoreFailure(error))
            return
        finally:
            with _running_lock:
                del _running[number]
        # A thread cannot be stopped: a worker cancelled meanwhile (an exclusive one that a
        # newer read replaced) finishes its job, but its answer, older than the newer one's,
        # is dropped — shown after it, it would undo the change that started the newer read.
        if on_done is not None and not worker.is_cancelled:
            app.call_from_thread(on_done, result)

    node.run_worker(work, thread=True, group=group, exclusive=exclusive, exit_on_error=False)


def _name(job: Callable[..., Any]) -> str:
    return getattr(job, "__qualname__", None) or repr(job)


def _store_name() -> str:
    return str(getattr(store.database, "database", "") or "")


def _in_store(job: Callable[..., Any], *args: Any) -> Any:
    with store.connection():
        return job(*args)


def start_now(job: Callable[..., Any], *args: Any) -> Future:
    """Run ``job(*args)`` on a thread of its own at once, before the app's event loop runs.

    For the first screen's data: the read overlaps the app's start-up, and the screen takes
    the result when it mounts (``Future.done()``) or else loads it again the usual way.
    """
    executor = ThreadPoolExecutor(1, thread_name_prefix="frontdesk-early")
    try:
        return executor.submit(_in_store, job, *args)
    finally:
        executor.shutdown(wait=False)  # the thread ends with its one job
