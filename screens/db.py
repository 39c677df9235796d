"""Running core calls in thread workers, never on the UI thread.

Each job opens the store on its worker thread for its own length (SQLite connections
belong to one thread), and its result or error comes back to the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from textual.dom import DOMNode
from textual.worker import get_current_worker

from frontdesk import store
from frontdesk.errors import FrontdeskError
from frontdesk.store import failures


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
