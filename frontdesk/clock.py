"""The one clock of the application.

Every "now" and "today" in frontdesk comes from here, so tests freeze a single place
(``time_machine`` patches ``datetime.now``). Times are naive local times: the store's
day is the local calendar day of the machine the store runs on.
"""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """The current local time, to the second (registrations are kept to the second)."""
    return dt.datetime.now().replace(microsecond=0)


def today() -> dt.date:
    """The store's current local day."""
    return now().date()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The half-open interval [start, end) of a store day."""
    start = dt.datetime.combine(day, dt.time())
    return start, start + dt.timedelta(days=1)
