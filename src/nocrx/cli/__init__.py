"""The command line: thin Typer commands that parse arguments, call the core and print.

``app.py`` builds the app and translates errors once (``Error [CODE]: message``, exit 2);
each command group lives in its own module. May import everything; nothing imports it.
"""
