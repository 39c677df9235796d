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
