"""The built-in SSH server (``frontdesk serve``): the app, and nothing else, for the staff.

- ``server``: listening, host key, authentication by the staff's own keys (``keys``),
  refusals logged and audited, a per-address back-off for failed logins.
- ``session``: one child process per session on a pty of its own, running the app signed
  in as the key's staff member; window sizes forwarded, SIGHUP when the connection drops.
- ``backoff``: the per-address back-off, free of any I/O.
- ``prefork``: the pre-forked process. It imports the app once and forks each session's
  app from it, on the pty the server sends (``launcher`` is the server's side of it).
- ``child``: the slower way without it: a new Python process that makes the pty its
  controlling terminal, then runs the app.

Like all of ``frontdesk`` it never imports Textual: the app is started as a module by name.
The SSH library is imported only when ``frontdesk serve`` runs; ``options`` and ``backoff``
need none, so the store's settings (``frontdesk settings``) show their defaults.
"""
