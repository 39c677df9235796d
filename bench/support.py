"""What the start-up, save and keystroke benchmarks share (no ``bench_`` prefix: not run)."""

from __future__ import annotations

from frontdesk import store


def migrated(store_path: str) -> None:
    """Open and close a store once, so that any pending migration is applied now.

    The large store is built once and cached; migrations written since then are applied by
    its next open, which must not be the one a benchmark times.
    """
    store.open_store(store_path)
    store.close_store()
