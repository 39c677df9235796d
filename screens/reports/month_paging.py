"""What F7's month pages share (跟进达成, 战败分析): the month shown, and ``,`` / ``.`` to the
month before or after — within the months a user may ask about, else a bell and the range
said; the page then shows that it loads and reads the new month in a worker."""

from __future__ import annotations

from textual.containers import Vertical

from frontdesk import bounds, clock, months


class MonthPage(Vertical):
    """A page of one month: it keeps ``month``; a page says what ``loading`` shows (正在载入…)
    and reads the month in ``refresh_data``."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.month = months.month_of(clock.today())

    def loading(self) -> None:
        raise NotImplementedError

    def refresh_data(self) -> None:
        raise NotImplementedError

    def move(self, delta: int) -> None:
        """Show the month ``delta`` months on, when a user may ask about it."""
        month = months.shift_month(self.month, delta)
        today = clock.today()
        if not bounds.month_in_range(month, today):
            self.app.bell()
            self.notify(bounds.month_range_message(today), severity="warning", markup=False)
            return
        self.month = month
        self.loading()
        self.refresh_data()
