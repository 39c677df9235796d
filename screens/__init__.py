"""The Textual front end of frontdesk: the app, its screens and widgets.

It imports the core (``frontdesk``) and never the reverse.
"""
