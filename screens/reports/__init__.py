"""F7: the manager's reports (主管报表) — the consultants' daily reports (营业日报表) and their
sign-off, each kind of report a page of its own."""
