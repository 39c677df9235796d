"""The minimal Textual app ``bench_startup`` compares ``frontdesk`` with: a Header, a Label,
a Footer, run as a program in a terminal (``python bench/startup_minimal.py``)."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Label

READY = "minimal app ready"  # what the bench waits for on the screen


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(READY)
        yield Footer()


if __name__ == "__main__":
    Minimal().run()
