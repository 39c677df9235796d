"""A table's scrollbar shows where the table is scrolled, however early it scrolled.

The month sheet scrolls to today's row as its rows arrive. On a loaded machine that scroll
could come before the layout showed the table's vertical bar, and Textual moves a thumb only
while its bar is shown: the bar then appeared with its thumb at the top, over rows 10–25.
Today's log (``LogGrid``) scrolls to its last row as its rows arrive, and keeps its bars
the same way.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from screens.desk.log_table import LogCell, LogGrid
from screens.tables import FdTable


class _Sheet(App):
    def __init__(self, table: DataTable | LogGrid) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        yield self.table


def _days(table: DataTable | LogGrid) -> None:
    """30 rows, a day each: a DataTable's, or the log's (its 14 cells each)."""
    if isinstance(table, LogGrid):
        table.set_rows(list(range(1, 31)), [[LogCell(str(n))] * 14 for n in range(1, 31)])
    else:
        table.add_column("日")
        table.add_rows([str(day)] for day in range(1, 31))


async def _scrolled_before_its_bar_showed(table: DataTable | LogGrid) -> tuple[float, float]:
    """The table's scroll offset and its bar's thumb, after scrolling with the bar hidden."""
    app = _Sheet(table)
    async with app.run_test(size=(40, 10)) as pilot:
        _days(table)
        await pilot.pause()
        assert table.show_vertical_scrollbar  # 30 rows do not fit in 10 lines
        # The order a loaded machine produced: the bar not yet shown, then the scroll to
        # the cursor, then the layout showing the bar.
        table.show_vertical_scrollbar = False
        table.scroll_y = 12
        table.show_vertical_scrollbar = True
        await pilot.pause()
        return table.scroll_y, table.vertical_scrollbar.position


async def test_the_thumb_follows_a_scroll_made_while_the_bar_was_hidden():
    scrolled, thumb = await _scrolled_before_its_bar_showed(FdTable())
    assert (scrolled, thumb) == (12, 12)


async def test_the_logs_grid_keeps_its_thumb_where_it_is_scrolled_too():
    scrolled, thumb = await _scrolled_before_its_bar_showed(LogGrid())
    assert (scrolled, thumb) == (12, 12)


async def test_textuals_own_table_leaves_the_thumb_behind():
    """Why FdTable exists: when this fails, Textual has fixed it and FdTable can go."""
    scrolled, thumb = await _scrolled_before_its_bar_showed(DataTable())
    assert scrolled == 12 and thumb != 12
