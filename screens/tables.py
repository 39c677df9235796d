"""``FdTable``: a DataTable whose scrollbars always show where it is scrolled.

Apart from ``screens.widgets`` so that the first screen (today's log: ``LogGrid``) starts
without importing Textual's DataTable; the screens with tables import it.
"""

from __future__ import annotations

from textual.widgets import DataTable

from screens.widgets import BarsWhereScrolled


class FdTable(BarsWhereScrolled, DataTable):
    """A DataTable whose scrollbars show where it is scrolled, however early it scrolled
    (``BarsWhereScrolled``)."""

    def settle(self) -> None:
        """Measure the rows just added now, not when the table is next idle: DataTable waits
        for its idle event, which a table on a page not shown, or under a dialog, may not
        get before the screen is drawn (F9's staff table was drawn with its columns as
        narrow as their headings under the add dialog). Textual's own step, taken early;
        without it (another Textual) the table waits as it did."""
        if getattr(self, "_require_update_dimensions", False) and hasattr(self, "_new_rows"):
            self._require_update_dimensions = False
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)
