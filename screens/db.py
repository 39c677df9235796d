"""Running core calls in thread workers, never on the UI thread.

Each job opens the store on its worker thread for its own length (SQLite connections
belong to one thread), and its result or error comes back to the UI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from textual.dom import DOMNode

from frontdesk import store
from frontdesk.errors import FrontdeskError
from frontdesk.i18n import t

log = logging.getLogger("frontdesk.screens")


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

    A refusal the user can act on (``FrontdeskError``) goes to ``on_error`` (or a
    notification); anything else is logged and shown as a database error, and the screen
    stays as it was, so nothing typed is lost.
    """
    app = node.app

    def work() -> None:
        try:
            with store.connection():
                result = job(*args)
        except FrontdeskError as error:
            if on_error is not None:
                app.call_from_thread(on_error, error)
            else:
                app.call_from_thread(app.notify, str(error), severity="error", markup=False)
            return
        except Exception as error:  # the store failed: tell the user, keep the screen
            log.exception("database job %s failed", getattr(job, "__name__", job))
            app.call_from_thread(
                app.notify, t("error.database", error=error), severity="error", markup=False
            )
            return
        if on_done is not None:
            app.call_from_thread(on_done, result)

    node.run_worker(work, thread=True, group=group, exclusive=exclusive, exit_on_error=False)


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
