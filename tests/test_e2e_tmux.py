"""End to end in a real terminal: tmux runs ``frontdesk`` at 80×24 and we type into it.

A receptionist, keys only, logs a walk-in, a returning walk-in (recognised by phone) and a
phone call, checks the first walk-in out, and everything is in the store and on today's
log — in zh-CN and in en.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from tests.terminal import Terminal, TerminalError

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


@pytest.fixture
def terminal(tmp_path):
    terminals = []

    def start(lang: str):
        store = tmp_path / f"{lang}.db"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "screens.main",
                "--db",
                str(store),
                "staff",
                "add",
                "王磊",
                "--role",
                "consultant",
            ],
            check=True,
            capture_output=True,
        )
        env = {
            "FRONTDESK_DB": str(store),
            "FRONTDESK_LANG": lang,
            "TERM": "xterm-256color",
            "PYTHONPATH": os.getcwd(),
        }
        term = Terminal([sys.executable, "-m", "screens.main"], env)
        terminals.append(term)
        return term, store

    yield start
    for term in terminals:
        term.close()


CASES = {
    "zh_CN": {
        "log": "今日来店(电)登记表",
        "form": "来店客户登记",
        "phone_form": "来电客户登记",
        "returning": "再次",
        "left": "已离店",
        "time_title": "离店时间",
        "sign_in": "谁在使用这台终端",
    },
    "en": {
        "log": "Today's registrations",
        "form": "Walk-in registration",
        "phone_form": "Phone-call registration",
        "returning": "Return",
        "left": "left at",
        "time_title": "Time out",
        "sign_in": "Who is at this terminal",
    },
}


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_morning_at_the_desk_by_keys_only(terminal, lang):
    words = CASES[lang]
    term, store = terminal(lang)
    # The store has staff and the terminal no --as: it asks who is there; Enter keeps the desk.
    term.wait_for(words["sign_in"])
    term.keys("Enter")
    term.wait_for(words["log"])

    # A first-time walk-in party of two.
    term.keys("F2")
    term.wait_for(words["form"])
    term.type("13812345678")
    term.keys("Enter")
    term.type("张三")
    term.keys("Enter", "m", "Enter")
    term.type("2")
    term.keys("C-s")
    term.wait_for(words["log"])
    term.wait_for("138 1234 5678")

    # The party leaves (one still in the showroom would be asked about before a second party):
    # move to the first row, o, Enter accepts "now".
    term.keys("Home", "o")
    term.wait_for(words["time_title"])
    term.keys("Enter")
    term.wait_for(words["left"])

    # The same customer walks in again: recognised by the phone alone.
    term.keys("F2")
    term.wait_for(words["form"])
    term.type("138-1234-5678")
    term.wait_for(words["returning"])
    term.keys("C-s")
    term.wait_for(words["log"])

    # A phone call.
    term.keys("F3")
    term.wait_for(words["phone_form"])
    term.type("13900002222")
    term.keys("Enter")
    term.type("王芳")
    term.keys("C-s")
    # Saved: the form is gone and the log shows the call (the name alone is on the form too).
    term.wait_until(lambda screen: words["phone_form"] not in screen and "139 0000 2222" in screen)

    term.keys("C-q")

    with sqlite3.connect(store) as conn:
        rows = conn.execute(
            "SELECT kind, name, phone, party_size, visit, time_out IS NOT NULL, customer_id "
            "FROM registration ORDER BY id"
        ).fetchall()
    assert [row[:6] for row in rows] == [
        ("walkin", "张三", "13812345678", 2, "first", 1),
        ("walkin", "张三", "13812345678", 1, "returning", 0),
        ("phone", "王芳", "13900002222", 1, "first", 0),
    ]
    assert rows[0][6] == rows[1][6]  # one customer, two visits


@pytest.mark.soak
def test_three_hundred_terminals_open_and_close_without_one_failure():
    """Each terminal on a tmux server of its own: no test can find a server on its way out.

    On the shared default server, the next ``new-session`` failed with "server exited
    unexpectedly" 1 to 8 times in these 300 cycles."""
    failed = []
    for cycle in range(300):
        term = None
        try:
            term = Terminal(["sleep", "600"], {"LC_ALL": "C"})
            if not term.alive():
                failed.append(f"{cycle}: the session is not there")
        except TerminalError as error:
            failed.append(f"{cycle}: {error}")
        finally:
            if term is not None:
                term.close()
    print(f"tmux: 300 create-then-kill cycles, {len(failed)} failed")
    assert failed == []
