"""The command palette (Ctrl+P): every action of the app, in the user's language."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from frontdesk.i18n import t
from screens import access

# (catalogue key of the command's name, app action)
COMMANDS = (
    ("command.walkin", "walkin"),
    ("command.phone", "phone"),
    ("command.log", "log"),
    ("stats.command.open", "statistics"),
    ("contacts.command.open", "contacts"),
    ("command.help", "help"),
    ("command.skip", "skip"),
    ("command.duty", "duty"),
    ("admin.command.open", "admin"),
    ("command.quit", "quit"),
)


class FrontdeskCommands(Provider):
    """The front desk's actions, found by any part of their name."""

    def _commands(self):
        for key, action in COMMANDS:
            if access.allowed(self.app, action):  # what the signed-in role may do, only
                yield t(key), partial(self.app.run_action, action)
        # The keys of the screen under the palette, where it lists them.
        yield from getattr(self.screen, "palette_commands", tuple)()

    async def discover(self) -> Hits:
        for name, callback in self._commands():
            yield DiscoveryHit(name, callback)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, text=name)
