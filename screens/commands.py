"""The command palette (Ctrl+P): every key of the screen it is opened on, in the user's language.

Each command is a binding of that screen or of the app, as the footer has them: named by
the binding's words, its longer help below, its key as the user's keymap has it, and only
when the signed-in role may use it (``check_action``). A command is found by its name or a
part of it (fuzzy, as Textual's), or by the pinyin initials or full pinyin of the name
(``tj`` finds 统计). The palette's own words — the prompt, "no matches" — are the
catalogue's. The app's own commands (``get_system_commands``: the screenshot) follow the
keys; Textual's provider of its English commands is not used.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.screen import Screen
from textual.widgets.option_list import Option

from frontdesk import rules, store
from frontdesk.i18n import t
from frontdesk.people import roles
from screens import access
from screens.bindings import key_label

PINYIN_START_SCORE = 0.95  # the initials of the name's first characters: as good as its words
PINYIN_INSIDE_SCORE = 0.75
PINYIN_FULL_SCORE = 0.9
HELP_TEXT_SCORE = 0.4  # the words are in the longer help only
PALETTE_ITSELF = ("command_palette", "app.command_palette")


@dataclass(frozen=True)
class PaletteCommand:
    """One key of the screen, as the palette offers it."""

    name: str
    help: str
    keys: str  # as the user presses them: "F5", "Esc, F1"
    run: Callable[[], object]

    def display(self, marked: list[int] = ()) -> Content:
        """The name, the characters ``marked`` highlighted, then the keys."""
        name = Content(self.name)
        for offset in marked:
            name = name.stylize("reverse", offset, offset + 1)
        return Content.assemble(name, "  ", (self.keys, "dim")) if self.keys else name


def screen_commands(screen: Screen) -> list[PaletteCommand]:
    """The keys of ``screen`` and of the app that work there now, screen's first: the
    footer's keys, and those it leaves out for room (F6's filters), but not its widgets'
    (the arrows of a table)."""
    app = screen.app
    found: dict[tuple[int, str], tuple[object, object, list[str]]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if active.node not in (screen, app) or not active.enabled or not binding.description:
            continue
        if not binding.id or binding.action in PALETTE_ITSELF:
            continue  # Textual's own (Tab between fields, its English Quit), or Ctrl+P itself
        place = (id(active.node), binding.action)
        found.setdefault(place, (active.node, binding, []))[2].append(key)
    commands = []
    for node, binding, keys in found.values():
        commands.append(
            PaletteCommand(
                name=binding.description,
                help=binding.tooltip if binding.tooltip != binding.description else "",
                keys=", ".join(key_label(key) for key in keys),
                run=partial(app.run_action, binding.action, node),
            )
        )
    for title, help_text, run, *_ in app.get_system_commands(screen):
        commands.append(PaletteCommand(name=title, help=help_text, keys="", run=run))
    return commands


def match(query: str, command: PaletteCommand, matcher) -> tuple[float, list[int]]:
    """How well ``query`` finds ``command`` (0: not at all), and the characters to mark."""
    fuzzy, offsets = matcher.fuzzy_search.match(query, command.name)
    best = (fuzzy, list(offsets) if fuzzy else [])
    span = rules.pinyin_span(query, command.name)
    if span:
        first_chinese = next(i for i, ch in enumerate(command.name) if not ch.isascii())
        score = PINYIN_START_SCORE if span[0] == first_chinese else PINYIN_INSIDE_SCORE
        best = max(best, (score, span))
    elif query.isascii() and rules.pinyin_full(command.name).startswith(query.casefold()):
        best = max(best, (PINYIN_FULL_SCORE, []))
    if not best[0] and command.help and query.casefold() in command.help.casefold():
        best = (HELP_TEXT_SCORE, [])
    return best


class FrontdeskCommands(Provider):
    """The keys of the screen the palette was opened on, and the app's."""

    async def discover(self) -> Hits:
        for command in screen_commands(self.screen):
            yield DiscoveryHit(
                command.display(), command.run, text=command.name, help=_help(command)
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in screen_commands(self.screen):
            score, marked = match(query, command, matcher)
            if score > 0:
                yield Hit(
                    score, command.display(marked), command.run, text=command.name,
                    help=_help(command),
                )  # fmt: skip


CUSTOMER_SCORE = 0.85  # a customer the query names, below a key whose name begins with it


class CustomerFinder(Provider):
    """Customers on file by name, pinyin initials or phone digits (``zs`` → 张三): Enter opens
    the customer's card. Only those the signed-in member may see (the core scopes them)."""

    async def search(self, query: str) -> Hits:
        from frontdesk.followup import customer_search  # the contact table: not at start-up

        by = access.actor_of(self.app)
        if len(query.strip()) < customer_search.MIN_QUERY or not roles.may(by, roles.CONTACTS_VIEW):
            return

        def find() -> list[customer_search.FoundCustomer]:
            with store.connection():  # this thread's own connection, for this search
                return customer_search.find_customers(query, by=by)

        for found in await asyncio.to_thread(find):
            words = t(
                "palette.customer",
                name=found.name or "—",
                phone=rules.format_phone(found.phone),
                level=found.level or "—",
                consultant=found.consultant or "—",
            )
            yield Hit(CUSTOMER_SCORE, Content(words), partial(self._open, found.id), text=words)

    def _open(self, customer_id: int) -> None:
        from screens.followup.customer_card import CustomerScreen

        self.app.push_screen(CustomerScreen(customer_id))


def _help(command: PaletteCommand) -> str | None:
    # The palette reads a hit's help as markup: the catalogue's words are shown as written.
    return Content(command.help).markup if command.help else None


class FdCommandPalette(CommandPalette):
    """Textual's palette with its own words from the catalogue."""

    def __init__(self, **kwargs) -> None:
        super().__init__(placeholder=t("palette.placeholder"), **kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own writes "No matches found" in English: the same, in the user's words.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if not search_value:  # nothing typed: the list is simply empty
                self._list_visible = False
                return
            self.query_one(CommandList).add_option(
                Option(
                    Align.center(Text(t("palette.no_matches"), style="not bold")),
                    disabled=True,
                    id=self._NO_MATCHES,
                )
            )
            self._list_visible = True

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
