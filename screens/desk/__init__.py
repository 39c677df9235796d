"""The front desk's screens: the registration form, today's log, the day's close-out, the
duty roster, the edit conflict, the first-run welcome."""
