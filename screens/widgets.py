"""Thin widgets of the front desk, each with the ``Fd`` prefix.

- ``FdHeader``: store name, date and weekday, clock, signed-in staff.
- ``FdCycle``: a one-line choice changed by hot keys or ←/→ (gender, level, yes/no flags).
- ``FdInput``: an input whose typing repaints only itself (the screen is not laid out again).
- ``FdChoice``: an input that filters a code list as you type (pinyin initials too) and
  takes the highlighted match on Enter (model, channel, consultant).
- ``BarsWhereScrolled``: a table's or a grid's scrollbars always show where it is scrolled.
- ``show``: a line's new text, repainted without laying the screen out when its size stays.
- ``set_virtual_size``: a virtual grid's new scroll range, without laying the screen out;
  ``top_to_show`` and ``row_in_view``: its cursor and its rows in view kept together;
  ``grid_bindings``: its keys.

User text is always shown as ``Content`` (never parsed as markup).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.content import Content
from textual.dom import DOMNode
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from frontdesk import clock, rules
from frontdesk.i18n import t
from screens.bindings import translate_bindings

if TYPE_CHECKING:
    from textual.scroll_view import ScrollView
    from textual.scrollbar import ScrollBar

MAX_SHOWN_MATCHES = 4


def show(static: Static, content: Content) -> None:
    """Put ``content`` in ``static``, laying the screen out again only if its size may change.

    ``Static.update`` asks for a layout of the whole screen at every call: the clock each
    second, a hint at each key typed, F6's lines at each reload cost the UI thread 7–17 ms
    of CPU each (more than twice that in time when the desk is busy), in the middle of the
    keys (``bench/bench_latency.py``). A static whose size the stylesheet fixes, or whose
    new content takes as many lines as the old at its width, is repainted alone.
    """
    styles = static.styles
    width = static.content_size.width
    if styles.width is not None and styles.width.is_auto:
        layout = True  # its width follows its text
    elif styles.height is None or not styles.height.is_auto:
        layout = False  # sized by the stylesheet
    elif not width or not static.display:
        layout = True  # not laid out yet (or hidden): nothing to compare with
    else:
        layout = static.visual.get_height(styles, width) != content.get_height(styles, width)
    static.update(content, layout=layout)


def grid_bindings(words: str) -> list[Binding]:
    """A virtual grid's keys, the same in each (the contact table, today's log): ↑ ↓ PgUp
    PgDn move the cursor, Home and End to the first and the last row, ← → sideways; their
    words are the catalogue's ``words`` with up, down, page_up, page_down, first, last, left
    and right in it (``"contacts.key.{}"``)."""
    keys = (
        ("up", "move(-1)", "up", "row-up"),
        ("down", "move(1)", "down", "row-down"),
        ("pageup", "page(-1)", "page_up", "page-up"),
        ("pagedown", "page(1)", "page_down", "page-down"),
        ("home", "first", "first", "first-row"),
        ("end", "last", "last", "last-row"),
        ("left", "sideways(-1)", "left", "columns-left"),
        ("right", "sideways(1)", "right", "columns-right"),
    )
    return [
        Binding(key, action, words.format(word), show=False, id=binding_id)
        for key, action, word, binding_id in keys
    ]


def top_to_show(row: int, top: int, rows: int) -> int:
    """The top row of a view ``rows`` high, now at ``top``, moved as little as it can to
    show ``row`` (a grid's cursor kept in view)."""
    if row < top:
        return row
    if row >= top + rows:
        return row - rows + 1
    return top


def row_in_view(row: int, top: int, rows: int, count: int) -> int:
    """``row`` (of ``count``) brought into a view ``rows`` high at ``top``, as near as it was:
    a grid scrolled away from its cursor (scroll bar, mouse wheel) brings the cursor along."""
    return max(top, min(row, top + rows - 1, count - 1))


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """``view``'s scroll range (a virtual grid's rows and columns), the screen laid out
    again only if a scroll bar appears or goes.

    Laid out already, the grid's own size is the stylesheet's, and a new count moves only
    the scroll bars. Setting ``virtual_size`` lays the whole screen out (20–40 ms of the UI
    thread on F6, at every reload while another desk saves); the bars are updated here
    instead (and laid out by Textual if one appears or goes).
    """
    if size != view.virtual_size and view.container_size:
        view.set_reactive(Widget.virtual_size, size)
        view._scroll_update(size)
    else:
        view.virtual_size = size


class FdHeader(Static):
    """The top line: store, date and weekday, clock, and who is signed in."""

    def on_mount(self) -> None:
        self.refresh_clock()
        self.set_interval(1, self.refresh_clock)

    def refresh_clock(self) -> None:
        now = clock.now()
        name = getattr(self.app, "staff_name", "") or t("app.desk")
        store_name = getattr(self.app, "store_name", "") or t("app.no_store_name")
        date = now.strftime("%Y-%m-%d")
        weekday = t(f"weekday.{now.weekday()}")
        width = self.size.width or self.app.size.width
        # The fullest line that fits: then without "Signed in:", then without the weekday;
        # a store name too long for what is left is cut with "…" — who is signed in never is.
        for who, day in (
            (t("app.signed_in", name=name), t("app.date", date=date, weekday=weekday)),
            (name, t("app.date", date=date, weekday=weekday)),
            (name, date),
        ):
            rest = Content.assemble("  │  ", day, "  │  ", now.strftime("%H:%M:%S"), "  │  ", who)
            if cell_len(store_name) + rest.cell_length <= width - 1:
                break
        room = max(width - 1 - rest.cell_length, 1)
        store = Content.styled(store_name, "bold")
        if store.cell_length > room:
            store = store.truncate(room, ellipsis=True)
        show(self, Content.assemble(store, rest))

    def on_resize(self) -> None:
        self.refresh_clock()


def after_typing(screen, callback, *args) -> None:
    """Run ``callback`` once the focused field of ``screen`` has handled the keys it was sent.

    Keys go to the focused field's own queue, while Enter and Ctrl+S on a form are priority
    bindings handled at once (so that the focus moves within the key press): without this,
    a burst like "2", Ctrl+S — a fast typist, or keys over SSH — would be read before the
    "2" is in the field.
    """
    focused = screen.focused
    if focused is None:
        callback(*args)
    else:
        focused.call_later(callback, *args)


class BarsWhereScrolled:
    """For a scrolling widget (a table, a grid): its scrollbars show where it is scrolled,
    however early it scrolled.

    Textual moves a scrollbar's thumb when the widget scrolls, but only while that bar is
    shown. A table that scrolls to its cursor as its rows arrive (the month sheet to today,
    the day's log to its last row) can scroll before its layout has shown the bar; the bar
    then appeared with its thumb at the top, over rows scrolled further down — on a loaded
    machine only, so a snapshot differed one run in three. A bar put on screen here starts
    where the widget is. ``FdTable`` (``screens.tables``) is a DataTable with it."""

    scroll_x: float
    scroll_y: float
    vertical_scrollbar: ScrollBar
    horizontal_scrollbar: ScrollBar

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        if shown:
            self.vertical_scrollbar.position = self.scroll_y

    def watch_show_horizontal_scrollbar(self, shown: bool) -> None:
        if shown:
            self.horizontal_scrollbar.position = self.scroll_x


class FdFooter(Widget, can_focus=False):
    """The key line: every key the screen offers and its word, compact, the command palette
    listed like every other key — one widget drawing one line.

    Textual's Footer is a widget per key (with a group and a label per group of keys), each
    styled, laid out and drawn on its own, and built again whenever the screen's keys may
    have changed: on today's log, two-fifths of all the work from the app's start to its
    first frame. This draws the same line in the same styles: each key in the key's style
    and its word after it, a space between two keys; a disabled key dimmed.

    The screen's own keys come first. When the line is wider than the terminal (80 columns
    hold about ten keys), the app-wide keys give way from the end — F1 stays, and F1 and the
    command palette list every key — so that no key is ever shown cut.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"fd-footer--key", "fd-footer--description"}
    DEFAULT_CSS = """
    FdFooter {
        dock: bottom;
        height: 1;
        text-wrap: nowrap;
        text-overflow: clip;
        color: $footer-foreground;
        background: $footer-background;
        .fd-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .fd-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """
    KEEP = frozenset({"help"})  # app-wide keys that never give way (binding ids)

    _drawn: tuple[FooterItem, ...] = ()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        """Drawn again only when the keys it shows change (Textual tells a footer whenever
        its screen's keys may have changed: also when a form opens over the screen)."""
        if screen is self.screen and self.is_attached and self.shown() != self._drawn:
            self.refresh()

    def shown(self) -> tuple[FooterItem, ...]:
        """The keys the line shows, in its order, each once (its first key), those that do
        not fit given way; in the width the footer has (the terminal's before its layout)."""
        shown: list[tuple[DOMNode, FooterItem]] = []
        actions: set[str] = set()
        app = self.app
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in actions:
                actions.add(binding.action)
                item = FooterItem(
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    enabled,
                    binding.id,
                    binding.group.description if binding.group else None,
                )
                shown.append((node, item))
        room = self.size.width or app.size.width
        while line_width([item for _, item in shown]) > room:
            giving_way = [
                index
                for index, (node, item) in enumerate(shown)
                if node is app and item.id not in self.KEEP
            ]
            if not giving_way:
                break
            del shown[giving_way[-1]]
        return tuple(item for _, item in shown)

    def render(self) -> Text:
        items = self._drawn = self.shown()
        key_style = self.get_component_rich_style("fd-footer--key")
        word_style = self.get_component_rich_style("fd-footer--description")
        dim = Style(dim=True)
        line = Text(no_wrap=True, end="")
        # Keys of one group (``Binding.group``: ", ." for the month) share one word.
        for group, members in groupby(items, key=lambda item: item.group):
            keys = list(members)
            if group is None or len(keys) == 1:
                for item in keys:
                    off = Style() if item.enabled else dim
                    line.append(item.key_display, key_style + off)
                    if item.description:
                        line.append(" " + item.description, word_style + off)
                    line.append(" ")
                continue
            for item in keys:
                line.append(item.key_display, key_style + (Style() if item.enabled else dim))
                line.append(" ")
            line.append(group, word_style)
            line.append(" ")
        line.right_crop(1)  # the last gap: the line's own background follows
        line.stylize_before(self.rich_style)
        return line


class FooterItem(NamedTuple):
    """A key as the footer shows it."""

    key: str
    key_display: str
    description: str
    enabled: bool
    id: str | None
    group: str | None  # the word of its group of keys, if it has one


def line_width(items: Sequence[FooterItem]) -> int:
    """The cells the keys take on the line: "key word" and a gap each; a group's keys with
    a space after each, then its word and a gap."""
    total = 0
    for group, members in groupby(items, key=lambda item: item.group):
        keys = list(members)
        if group is None or len(keys) == 1:
            for item in keys:
                total += cell_len(item.key_display) + 1
                if item.description:
                    total += 1 + cell_len(item.description)
        else:
            total += sum(cell_len(item.key_display) + 1 for item in keys) + cell_len(group) + 1
    return total


class FdCycle(Widget, can_focus=True):
    """A one-line choice: hot keys pick an option, ←/→ or space step through them."""

    DEFAULT_CSS = """
    FdCycle { height: 1; width: 1fr; }
    """
    BINDINGS = [
        Binding("right,space", "step(1)", "key.choose_next", show=False, id="choice-next"),
        Binding("left", "step(-1)", "key.choose_prev", show=False, id="choice-previous"),
    ]

    value: reactive[object] = reactive(None, init=False)

    class Changed(Message):
        def __init__(self, cycle: FdCycle, value: object) -> None:
            super().__init__()
            self.cycle = cycle
            self.value = value

        @property
        def control(self) -> FdCycle:
            return self.cycle

    def __init__(
        self,
        options: Sequence[tuple[object, str, str]],
        value: object = None,
        **kwargs,
    ) -> None:
        """``options`` are (value, label, hot keys) triples, e.g. ("M", "男", "m")."""
        super().__init__(**kwargs)
        translate_bindings(self)
        self.options = list(options)
        self.set_reactive(FdCycle.value, value if value is not None else self.options[0][0])

    def _index(self) -> int:
        for index, (value, _, _) in enumerate(self.options):
            if value == self.value:
                return index
        return 0

    def render(self) -> Content:
        parts: list[Content | str] = []
        for value, label, _ in self.options:
            if value == self.value:
                parts.append(Content.styled(f"[{label}]", "reverse" if self.has_focus else "bold"))
            else:
                parts.append(Content.styled(f" {label} ", "dim"))
        return Content.assemble(*parts)

    def action_step(self, delta: int) -> None:
        self.value = self.options[(self._index() + delta) % len(self.options)][0]

    def on_key(self, event) -> None:
        character = (event.character or "").lower()
        if not character or not character.isprintable() or character == " ":
            return
        for value, _, hot_keys in self.options:
            if character in hot_keys:
                self.value = value
                event.stop()
                event.prevent_default()
                return

    def watch_value(self, value: object) -> None:
        self.post_message(self.Changed(self, value))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


def yes_no() -> list[tuple[object, str, str]]:
    return [(False, t("key.no"), "n0"), (True, t("key.yes"), "y1")]


class FdInput(Input):
    """An input whose typing repaints the input alone.

    Textual's Input sets its ``virtual_size``, a layout reactive, at every change of its
    value: each key typed laid the whole screen out again (9 of the 13 ms a key took on the
    registration form, ``bench/bench_latency.py``). An input sized by the stylesheet takes its
    new scroll width without a layout; one sized by its content (``auto``) still asks for one.
    """

    def _watch_value(self, value: str) -> None:
        if not self.styles.auto_dimensions:
            self.set_reactive(Input.virtual_size, Size(self.content_width, 1))
            self.refresh()
        super()._watch_value(value)  # the same size again: no layout


class FdChoice(FdInput):
    """An input over a code list: typing filters, ↑/↓ pick, Enter takes the pick."""

    BINDINGS = [
        Binding("down", "pick(1)", "key.choose_next", show=False, id="match-next"),
        Binding("up", "pick(-1)", "key.choose_prev", show=False, id="match-previous"),
    ]

    class MatchesChanged(Message):
        def __init__(self, choice: FdChoice) -> None:
            super().__init__()
            self.choice = choice

        @property
        def control(self) -> FdChoice:
            return self.choice

    def __init__(self, choices: Sequence[str] = (), **kwargs) -> None:
        super().__init__(**kwargs)
        translate_bindings(self)
        self.choices = list(choices)
        self.matches: list[str] = []
        self.picked = 0

    def set_choices(self, choices: Sequence[str]) -> None:
        self.choices = list(choices)
        self._refilter()

    def _refilter(self) -> None:
        self.matches = rules.choice_matches(self.value, self.choices) if self.value else []
        self.picked = 0
        self.post_message(self.MatchesChanged(self))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self:
            self._refilter()

    def action_pick(self, delta: int) -> None:
        if self.matches:
            self.picked = (self.picked + delta) % len(self.matches)
            self.post_message(self.MatchesChanged(self))

    def take_pick(self) -> None:
        """Replace what was typed by the highlighted match (when it is not already exact)."""
        if self.value and self.matches and self.value not in self.choices:
            chosen = self.matches[self.picked]
            with self.prevent(Input.Changed):
                self.value = chosen
            self.matches = [chosen]
            self.picked = 0
            self.post_message(self.MatchesChanged(self))

    def is_valid_choice(self) -> bool:
        return not self.value or self.value in self.choices

    def matches_content(self) -> Content:
        """The matches as a hint line: the picked one highlighted."""
        if not self.value:
            return Content("")
        if not self.matches:
            return Content.styled(t("form.choices_none"), "dim")
        start = max(0, self.picked - MAX_SHOWN_MATCHES + 1)
        shown = self.matches[start : start + MAX_SHOWN_MATCHES]
        parts: list[Content | str] = []
        for index, name in enumerate(shown, start=start):
            style = "reverse" if index == self.picked else ""
            parts.extend([Content.styled(name, style), " "])
        if len(self.matches) > start + MAX_SHOWN_MATCHES:
            parts.append("…")
        return Content.assemble(*parts)
