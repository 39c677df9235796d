"""``ContactGrid``: the contact table as a virtual grid, for 100 000 rows as for 100.

The Toolong pattern: a ``ScrollView`` whose ``virtual_size`` is the row count and which
renders only the lines on screen (``render_line``) from a cache of keyset pages that
thread workers fill. A page missing from the cache draws as a placeholder and is asked
for; it paints when it comes. The number and name (and level and due date) stay on the
left while the rest scrolls sideways; two header lines stay on top.

Rows are drawn from segments of plain text: a customer called ``[VIP]张三`` shows
literally.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from frontdesk import months, rules
from frontdesk.followup import contact_table
from frontdesk.followup.contact_table import GridRow, TableFilter
from frontdesk.i18n import t
from screens.bindings import translate_bindings
from screens.db import run_db
from screens.widgets import grid_bindings, row_in_view, set_virtual_size, top_to_show

HEADER_LINES = 2
PAGE_SIZE = contact_table.PAGE_SIZE
KEEP_PAGES = 6  # pages kept on either side of the one in view; farther ones are dropped
DAY_WIDTH = 3  # a day, right-aligned after a space: " 10", " Tu", "  A"
SCROLL_STEP = 8  # cells per ←/→
BACKGROUNDS = {"header", "cursor", "today"}  # component styles that set a background


@dataclass(frozen=True)
class Column:
    key: str  # catalogue key under contacts.head
    width: int
    right: bool = False


FIXED = (Column("no", 6, right=True), Column("name", 10), Column("level", 2), Column("due", 5))
SCROLLING = (
    Column("phone", 13),
    Column("model", 8),
    Column("first", 8),
    Column("source", 8, right=True),  # 来源区分 1–7, under its whole name
    Column("consultant", 6),
)
FIXED_WIDTH = sum(c.width + 1 for c in FIXED)
DAYS_AT = sum(c.width + 1 for c in SCROLLING)  # where the days start in the scrolling part
SCROLLING_WIDTH = DAYS_AT + 31 * DAY_WIDTH
COLUMN_STARTS = [sum(c.width + 1 for c in SCROLLING[:i]) for i in range(len(SCROLLING) + 1)]


def _at_a_column(x: int) -> int:
    """``x`` moved right to where a column or a day starts, never inside one (the left edge
    would show half a heading: "u" of "Su")."""
    if x <= 0:
        return 0
    if x <= DAYS_AT:
        return min(start for start in COLUMN_STARTS if start >= x)
    return x + (-(x - DAYS_AT)) % DAY_WIDTH


def fit(text: str, width: int, right: bool = False) -> str:
    """``text`` in exactly ``width`` cells (CJK counts double), cut with an ellipsis."""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    padding = " " * (width - cell_len(text))
    return padding + text if right else text + padding


def due_cell(row: contact_table.TableRow) -> str:
    """The next due date, or how the row was closed (成交 / 战败 / 失控)."""
    if row.closed_as:
        return t(f"contacts.outcome.{row.closed_as}")
    return row.next_due.strftime("%m-%d") if row.next_due else "—"


def row_cells(row: contact_table.TableRow, number: int) -> dict[str, str]:
    """The cells of a row; ``number`` is its place on screen, the 序号 unless the core gave
    the row its number in the month's whole table (a filtered view)."""
    first = row.first_contact.strftime("%y-%m-%d") if row.first_contact else ""
    name = row.name or rules.format_phone(row.phone)
    return {
        "no": str(row.number or number),
        "name": t("contacts.row.lead", name=name) if row.is_lead else name,
        "level": row.level,
        "due": due_cell(row),
        "phone": rules.format_phone(row.phone),
        "model": row.model,
        "first": first,
        "source": str(row.source),
        "consultant": row.consultant or "",
    }


class ContactGrid(ScrollView, can_focus=True):
    """The open intent customers, a row each, with the days of the month."""

    COMPONENT_CLASSES = {
        "contact-grid--header",
        "contact-grid--cursor",
        "contact-grid--overdue",
        "contact-grid--due-today",
        "contact-grid--contact",
        "contact-grid--planned",
        "contact-grid--missed",
        "contact-grid--closed",
        "contact-grid--today",
        "contact-grid--weekend",
        "contact-grid--empty",
        "contact-grid--loading",
    }
    DEFAULT_CSS = """
    ContactGrid { height: 1fr; }
    ContactGrid > .contact-grid--header { text-style: bold; background: $panel; }
    ContactGrid > .contact-grid--cursor { background: $accent 40%; text-style: bold; }
    ContactGrid > .contact-grid--overdue { color: $error; }
    ContactGrid > .contact-grid--due-today { color: $warning; text-style: bold; }
    ContactGrid > .contact-grid--contact { color: $success; text-style: bold; }
    ContactGrid > .contact-grid--planned { color: $accent; }
    ContactGrid > .contact-grid--missed { color: $error; text-style: bold; }
    ContactGrid > .contact-grid--closed { color: $text-muted; text-style: bold reverse; }
    ContactGrid > .contact-grid--today { background: $primary 25%; }
    ContactGrid > .contact-grid--weekend { color: $text-muted; }
    ContactGrid > .contact-grid--empty { color: $text-disabled; }
    ContactGrid > .contact-grid--loading { color: $text-muted; }
    """
    BINDINGS = grid_bindings("contacts.key.{}")

    class CursorMoved(Message):
        """The cursor is on another row (or its row has just loaded)."""

        def __init__(self, grid: ContactGrid, row: GridRow | None) -> None:
            super().__init__()
            self.grid = grid
            self.row = row

    class Loaded(Message):
        """The table (count and the pages in view) has been (re)loaded."""

        def __init__(self, grid: ContactGrid) -> None:
            super().__init__()
            self.grid = grid

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        translate_bindings(self)
        self.filter: TableFilter | None = None
        self.total = 0
        self.cursor = 0
        self.pages: dict[int, list[GridRow]] = {}
        self._pending: set[int] = set()
        self._wanted: set[int] = set()
        self._generation = 0  # bumped by every reload: late pages of an older one are dropped
        self._reload_token = 0
        self._counted = False
        self.loaded = False
        # While rows of another filter (a search, a month) are on their way, the rows on
        # screen are not the ones the user asked for: no row is "current" until they come,
        # so a key pressed in between (c, l, x) never acts on the wrong customer.
        self._switching = False
        self._styles: dict[str, Style] = {}  # component styles by name (``_style``)

    # -- loading --------------------------------------------------------------------------

    def reload(self, f: TableFilter, *, keep_position: bool = True) -> None:
        """Load the pages in view under ``f`` and swap them in, then count the rows.

        What is on screen stays until the new pages are there, so a refresh never blinks;
        the rows paint before the count over every row is done (it only sizes the scroll
        bar: until then the grid is as long as the rows it has).
        """
        self._reload_token += 1
        token = self._reload_token
        if f != self.filter:
            self._switching = True
        cursor = self.cursor if keep_position else 0
        top = int(self.scroll_y) if keep_position else 0
        height = self.rows_in_view
        app = self.app

        def load():
            wanted = {top // PAGE_SIZE, (top + height) // PAGE_SIZE, cursor // PAGE_SIZE}
            pages = {}
            for number in sorted(wanted):
                rows = contact_table.rows_from(f, number * PAGE_SIZE, PAGE_SIZE)
                if rows:
                    pages[number] = contact_table.with_marks(rows, f)
            known = max((n * PAGE_SIZE + len(rows) for n, rows in pages.items()), default=0)
            app.call_from_thread(self._swap, token, f, pages, known, keep_position, cursor)
            return contact_table.count(f)

        def counted(total: int) -> None:
            if token == self._reload_token:
                self._set_total(total)
                self._counted = True
                self.post_message(self.CursorMoved(self, self.current()))

        run_db(self, load, on_done=counted, group="contact-grid", exclusive=True)

    def hold(self) -> None:
        """No current row until the next reload has swapped its rows in (or ``release``)."""
        self._switching = True

    def release(self) -> None:
        self._switching = False

    def _swap(self, token, f, pages, known, keep_position, cursor) -> None:
        if token != self._reload_token:
            return  # a newer reload is on its way
        self._switching = False
        same = keep_position and self.filter == f  # the same rows: keep the length till counted
        # Another desk's save reloads the grid, most often to the very rows it shows: those
        # are not painted again (a repaint of the grid is 5–20 ms of the UI thread).
        unchanged = same and all(self.pages.get(n) == rows for n, rows in pages.items())
        self._generation += 1
        self._counted = False
        self.filter = f
        self.pages = pages
        self._pending.clear()
        self._wanted.clear()
        self._set_total(max(known, self.total) if same else known)
        if not keep_position:
            self.scroll_to(y=0, animate=False, immediate=True)
        moved = self.cursor != min(cursor, max(self.total - 1, 0))
        self.cursor = min(cursor, max(self.total - 1, 0))
        self.loaded = True
        self._keep_cursor_in_view()
        if moved or not unchanged:
            self.refresh()
        self.post_message(self.Loaded(self))
        self.post_message(self.CursorMoved(self, self.current()))

    def _set_total(self, total: int) -> None:
        """The row count: the scroll range, and the rows drawn if it changes any in view."""
        before, self.total = self.total, total
        if before != total and min(before, total) < int(self.scroll_y) + self.rows_in_view:
            self.refresh()  # rows in view appear or go (a count past them changes none)
        # Laid out already, the screen is not laid out again (``set_virtual_size``).
        set_virtual_size(self, Size(FIXED_WIDTH + SCROLLING_WIDTH, total + HEADER_LINES))
        if self.cursor >= total:
            self.cursor = max(total - 1, 0)
            self.refresh()

    def _request_pages(self) -> None:
        wanted, self._wanted = self._wanted, set()
        f, generation = self.filter, self._generation
        total = self.total if self._counted else None  # seek from the end only when exact
        if f is None:
            return
        for number in sorted(wanted - self._pending - set(self.pages)):
            self._pending.add(number)
            before = self.pages.get(number - 1)
            after = before[-1].row.key if before else None

            def load(number=number, after=after, total=total):
                if after is not None:  # the page before is here: a pure keyset page
                    rows = contact_table.page(f, after, PAGE_SIZE)
                else:
                    rows = contact_table.rows_from(f, number * PAGE_SIZE, PAGE_SIZE, total)
                return number, contact_table.with_marks(rows, f)

            def done(result, generation=generation) -> None:
                number, rows = result
                self._pending.discard(number)
                if generation != self._generation:
                    return
                self.pages[number] = rows
                self._drop_far_pages()
                self.refresh()
                if number == self.cursor // PAGE_SIZE:
                    self.post_message(self.CursorMoved(self, self.current()))

            run_db(self, load, on_done=done, group="contact-pages")

    def _drop_far_pages(self) -> None:
        centre = (int(self.scroll_y) + self.size.height // 2) // PAGE_SIZE
        for number in list(self.pages):
            if abs(number - centre) > KEEP_PAGES and number != self.cursor // PAGE_SIZE:
                del self.pages[number]

    def row_at(self, index: int) -> GridRow | None:
        """The row at ``index`` if its page is loaded (else ask for the page)."""
        if not 0 <= index < self.total:
            return None
        number, offset = divmod(index, PAGE_SIZE)
        rows = self.pages.get(number)
        if rows is None:
            if number not in self._pending and number not in self._wanted:
                if not self._wanted:
                    self.call_later(self._request_pages)
                self._wanted.add(number)
            return None
        return rows[offset] if offset < len(rows) else None

    def current(self) -> GridRow | None:
        """The row under the cursor, if loaded (None while another filter's rows load)."""
        if self._switching:
            return None
        return self.row_at(self.cursor) if self.total else None

    def loaded_rows(self) -> list[GridRow]:
        """The rows in the cache, in order (for tests and the foot)."""
        return [row for number in sorted(self.pages) for row in self.pages[number]]

    # -- cursor and scrolling -------------------------------------------------------------

    @property
    def rows_in_view(self) -> int:
        return max(self.size.height - HEADER_LINES, 1)

    def _keep_cursor_in_view(self) -> None:
        top = top_to_show(self.cursor, int(self.scroll_y), self.rows_in_view)
        if top != int(self.scroll_y):
            self.scroll_to(y=top, animate=False, immediate=True)

    def move_to(self, index: int) -> None:
        if not self.total:
            return
        index = max(0, min(index, self.total - 1))
        if index == self.cursor:
            return
        self.cursor = index
        self._keep_cursor_in_view()
        self.refresh()
        self.post_message(self.CursorMoved(self, self.current()))

    def action_move(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, delta: int) -> None:
        self.move_to(self.cursor + delta * self.rows_in_view)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(self.total - 1)

    def action_sideways(self, delta: int) -> None:
        x = _at_a_column(round(self.scroll_x) + delta * SCROLL_STEP)
        self.scroll_to(x=x, animate=False, immediate=True)

    def show_day(self, day: int) -> None:
        """Scroll sideways so that ``day`` (and the days before it) are in view."""
        view = self.scrollable_content_region.width - FIXED_WIDTH
        x = max(0, DAYS_AT + day * DAY_WIDTH - view) if view > 0 else 0
        self.scroll_to(x=_at_a_column(x), animate=False, immediate=True)

    def show_first_day(self) -> None:
        """Scroll sideways so that the days start at the left edge (as far as they can)."""
        self.scroll_to(x=DAYS_AT, animate=False, immediate=True)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        top = int(new)
        # Scrolled away (scroll bar, mouse wheel): bring the cursor along.
        if self.total and not top <= self.cursor < top + self.rows_in_view:
            self.cursor = row_in_view(self.cursor, top, self.rows_in_view, self.total)
            self.post_message(self.CursorMoved(self, self.current()))

    # -- drawing ----------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        """A component's style: the backgrounds (header, cursor, today) blended over the
        grid's own; the others only colour the text, over whatever background is there.

        Kept until the styles change (``notify_style_update``, as Textual keeps its own):
        a screen of rows asks some 700 times, and each new ``Style`` was a third of the
        time the grid took to paint."""
        style = self._styles.get(name)
        if style is None:
            style = self.get_component_rich_style(
                f"contact-grid--{name}", partial=name not in BACKGROUNDS
            )
            if name not in BACKGROUNDS:
                style = Style(color=style.color, bold=style.bold, dim=style.dim)
            self._styles[name] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if self.filter is None:
            return Strip.blank(width, base)
        scroll_x = int(self.scroll_x)
        if y < HEADER_LINES:
            fixed, scrolling = self._header(y, base)
        else:
            index = int(self.scroll_y) + y - HEADER_LINES
            if index >= self.total:
                return Strip.blank(width, base)
            fixed, scrolling = self._row(index, base)
        left = Strip(fixed).crop_extend(0, FIXED_WIDTH, base)
        right = Strip(scrolling).crop_extend(scroll_x, scroll_x + max(width - FIXED_WIDTH, 0), base)
        return Strip.join([left, right]).crop(0, width).simplify()

    def _header(self, y: int, base: Style) -> tuple[list[Segment], list[Segment]]:
        style = base + self._style("header")
        f = self.filter
        assert f is not None
        days = months.days_in_month(f.month)
        fixed: list[Segment] = []
        scrolling: list[Segment] = []
        if y == 0:
            for column in FIXED:
                fixed.append(
                    Segment(fit(t(f"contacts.head.{column.key}"), column.width) + " ", style)
                )
            for column in SCROLLING:
                text = fit(t(f"contacts.head.{column.key}"), column.width)
                scrolling.append(Segment(text + " ", style))
        else:
            fixed.append(Segment(" " * FIXED_WIDTH, style))
            scrolling.append(Segment(" " * DAYS_AT, style))
        for day in range(1, days + 1):
            date = f.month.replace(day=day)
            cell_style = style
            if date.weekday() >= 5:
                cell_style += self._style("weekend")
            if date == f.today:
                cell_style += self._style("today")
            label = str(day) if y == 0 else t(f"contacts.wd.{date.weekday()}")
            text = fit(label, DAY_WIDTH, right=True)
            scrolling.append(Segment(text, cell_style))
        return fixed, scrolling

    def _row(self, index: int, base: Style) -> tuple[list[Segment], list[Segment]]:
        grid_row = self.row_at(index)
        is_cursor = index == self.cursor
        row_style = base + self._style("cursor") if is_cursor else base
        if grid_row is None:
            loading = row_style + self._style("loading")
            return [Segment(fit(str(index + 1), FIXED[0].width, True) + " …", loading)], []
        f = self.filter
        assert f is not None
        row = grid_row.row
        cells = row_cells(row, index + 1)
        name_style = row_style
        if row.next_due is None:
            name_style = row_style + self._style("empty")
        elif row.next_due < f.today:
            name_style = row_style + self._style("overdue")
        elif row.next_due == f.today:
            name_style = row_style + self._style("due-today")
        fixed = []
        for column in FIXED:
            style = name_style if column.key in ("name", "due") else row_style
            fixed.append(Segment(fit(cells[column.key], column.width, column.right) + " ", style))
        scrolling = [
            Segment(fit(cells[column.key], column.width, column.right) + " ", row_style)
            for column in SCROLLING
        ]
        days = months.days_in_month(f.month)
        today = f.today.day if months.month_of(f.today) == f.month else None
        for day in range(1, days + 1):
            mark = grid_row.marks.get(day)
            if mark is None:
                text, style = fit("·", DAY_WIDTH, True), row_style + self._style("empty")
            elif mark.kind == "contact":
                text = fit(mark.level or "+", DAY_WIDTH, True)
                style = row_style + self._style("contact")
            elif mark.kind == "closed":
                text = fit(t(f"contacts.row.closed_mark.{mark.level}"), DAY_WIDTH, True)
                style = row_style + self._style("closed")
            else:
                text, style = fit("*", DAY_WIDTH, True), row_style + self._style(mark.kind)
            if day == today:
                style += self._style("today")
            scrolling.append(Segment(text, style))
        return fixed, scrolling

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self._keep_cursor_in_view()
