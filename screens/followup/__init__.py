"""The follow-up screens: the contact table (F6), its dialogs and the customer card."""
