"""A member's session channel: the app on a terminal, or their export folder over SFTP.

asyncssh asks the server for a session before it knows what the client will ask of it
(a shell, a command, a subsystem). So ``StaffChannel`` starts as the app (``AppSession``)
and becomes the read-only SFTP session on the member's export folder (``files``) when the
first request is the ``sftp`` subsystem; every callback goes to whichever it is. A command
or any other subsystem the app refuses, logged and audited, as before.

It also hears two requests that asyncssh would otherwise refuse on its own, unheard by
the server: agent forwarding and X11 forwarding. They are refused here too, and logged
and audited like every other refusal.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import asyncssh

from frontdesk.export_folder import ExportPathError

if TYPE_CHECKING:
    from frontdesk.ssh.server import StaffServer
    from frontdesk.ssh.session import AppSession

log = logging.getLogger("frontdesk.ssh")

SFTP = "sftp"
# Channel requests asyncssh answers itself, with no callback (``agent_forwarding=False``,
# ``x11_forwarding=False``): its handler for each is named ``_process_<request>_request``,
# and on a member's channel it is replaced by one that refuses and says so.
UNHEARD_REQUESTS = {"auth_agent_req_at_openssh_dot_com": "agent", "x11_req": "x11"}


def hear_forwarding_requests(chan: asyncssh.SSHServerChannel, server: StaffServer) -> None:
    """Refuse agent and X11 forwarding on ``chan``, with a log line and an audit entry."""
    for request, kind in UNHEARD_REQUESTS.items():

        def refuse(packet, kind: str = kind) -> bool:
            server.note_refusal("forwarding", kind=kind)
            return False  # the client hears "request failed"

        setattr(chan, f"_process_{request}_request", refuse)


class StaffChannel(asyncssh.SSHServerSession):
    """One session channel of a signed-in member: passes each callback to the app or, once
    the client asked for ``sftp``, to the export folder's SFTP session."""

    def __init__(self, app: AppSession, server: StaffServer) -> None:
        self.app = app
        self.server = server
        self.current: asyncssh.SSHServerSession = app
        self.chan: asyncssh.SSHServerChannel | None = None

    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self.chan = chan
        hear_forwarding_requests(chan, self.server)
        self.app.connection_made(chan)

    def subsystem_requested(self, subsystem: str) -> bool:
        if subsystem != SFTP or self.current is not self.app:
            return self.current.subsystem_requested(subsystem)
        try:
            files = self.server.files_session()
        except (ExportPathError, OSError) as error:
            log.error("%s: no export folder for SFTP: %s", self.server.login, error)
            self.server.note_refusal("subsystem", subsystem=subsystem)
            return False
        assert self.chan is not None
        files.connection_made(self.chan)
        self.current = files
        return files.subsystem_requested(subsystem)

    # -- everything else goes to whichever this channel is --------------------------------

    def pty_requested(self, term_type, term_size, term_modes) -> bool:
        return self.current.pty_requested(term_type, term_size, term_modes)

    def shell_requested(self) -> bool:
        return self.current.shell_requested()

    def exec_requested(self, command: str) -> bool:
        return self.current.exec_requested(command)

    def session_started(self) -> None:
        self.current.session_started()

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int):
        self.current.terminal_size_changed(width, height, pixwidth, pixheight)

    def data_received(self, data, datatype) -> None:
        self.current.data_received(data, datatype)

    def eof_received(self) -> bool:
        return bool(self.current.eof_received())

    def soft_eof_received(self) -> None:
        self.current.soft_eof_received()

    def break_received(self, msec: int) -> bool:
        return self.current.break_received(msec)

    def signal_received(self, signal: str) -> None:
        self.current.signal_received(signal)

    def pause_writing(self) -> None:
        self.current.pause_writing()

    def resume_writing(self) -> None:
        self.current.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.current is not self.app:
            self.current.connection_lost(exc)
        self.app.connection_lost(exc)  # gives back its place under the session limit
