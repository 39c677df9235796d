"""A per-address back-off for failed logins: guessing keys or passwords gets slow fast.

After ``after`` failed logins from one address, each further failure shuts that address
out for ``base`` seconds, doubling each time up to ``maximum``; a good login clears the
address, and failures older than ``forget`` seconds are forgotten. Pure and clocked from
outside, so tests need no sleeping.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_AFTER = 5
DEFAULT_BASE_S = 30.0
DEFAULT_MAXIMUM_S = 15 * 60.0
DEFAULT_FORGET_S = 60 * 60.0
MAX_ADDRESSES = 10_000  # the oldest addresses are dropped past this: memory stays bounded


@dataclass
class _Record:
    failures: int = 0
    last_failure: float = 0.0
    blocked_until: float = 0.0


class LoginBackoff:
    """Counts failed logins per address and says how long an address must wait."""

    def __init__(
        self,
        after: int = DEFAULT_AFTER,
        base: float = DEFAULT_BASE_S,
        maximum: float = DEFAULT_MAXIMUM_S,
        forget: float = DEFAULT_FORGET_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.after = max(1, after)
        self.base = base
        self.maximum = maximum
        self.forget = forget
        self.clock = clock
        self._records: OrderedDict[str, _Record] = OrderedDict()

    def _record(self, address: str) -> _Record | None:
        record = self._records.get(address)
        if record is not None and self.clock() - record.last_failure > self.forget:
            del self._records[address]
            return None
        return record

    def wait(self, address: str) -> float:
        """Seconds ``address`` must still wait before it may try again (0: it may now)."""
        record = self._record(address)
        if record is None:
            return 0.0
        return max(0.0, record.blocked_until - self.clock())

    def failed(self, address: str) -> float:
        """Count a failed login; returns how long the address is now shut out (0: not)."""
        now = self.clock()
        record = self._record(address) or _Record()
        record.failures += 1
        record.last_failure = now
        block = 0.0
        if record.failures >= self.after:
            block = min(self.maximum, self.base * 2 ** (record.failures - self.after))
            record.blocked_until = max(record.blocked_until, now + block)
        self._records[address] = record
        self._records.move_to_end(address)
        while len(self._records) > MAX_ADDRESSES:
            self._records.popitem(last=False)
        return block

    def succeeded(self, address: str) -> None:
        """A good login: the address starts afresh."""
        self._records.pop(address, None)

    def failures(self, address: str) -> int:
        record = self._record(address)
        return record.failures if record else 0
