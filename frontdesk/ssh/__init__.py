"""The built-in SSH server (``frontdesk serve``): the app, and nothing else, for the staff.

- ``server``: listening, host key, authentication by the staff's own keys (``keys``),
  refusals logged and audited, a per-address back-off for failed logins.
- ``channel``: a member's session channel: the app, or (when the client asks for ``sftp``)
  their export folder; agent and X11 forwarding refused and audited there.
- ``session``: one child process per session on a pty of its own, running the app signed
  in as the key's staff member; window sizes forwarded (at most 500 × 200), SIGHUP when the
  connection drops or the client's input ends.
- ``files``: SFTP on the member's export folder (``frontdesk.export_folder``): list and
  fetch, nothing else; every file fetched audited.
- ``escape``: what a client sent (TERM, command, path), escaped for the log and the audit.
- ``backoff``: the per-address back-off, free of any I/O.
- ``prefork``: the pre-forked process. It imports the app once and forks each session's
  app from it, on the pty the server sends (``launcher`` is the server's side of it).
- ``child``: the slower way without it: a new Python process that makes the pty its
  controlling terminal, then runs the app.

Like all of ``frontdesk`` it never imports Textual: the app is started as a module by name.
The SSH library is imported only when ``frontdesk serve`` runs; ``options``, ``backoff``
and ``escape`` need none, so the store's settings (``frontdesk settings``) show their defaults.
"""
