"""系统管理: the admin's screens — staff, SSH keys, settings, code lists (F9)."""
