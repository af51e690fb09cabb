"""The `nocrx` command: builds the Typer app from the command modules and translates errors."""

from __future__ import annotations

import logging
import sys

import typer

from nocrx.errors import NocrxError

app = typer.Typer(
    name="nocrx",
    help="Decide and check how to bill a drug with no specific HCPCS code (J3490, J3590, J9999, C9399 ...).",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold PHI
    add_completion=False,
)


COMMAND_MODULES = (
    "check_commands",
    "serve_commands",
    "render_commands",
    "rules_commands",
    "data_commands",
    "scrub_commands",
)


def _register() -> None:
    # Each module adds its commands to `app`; imported here so `nocrx --help` lists them all.
    # Add a module to COMMAND_MODULES when it exists.
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"nocrx.cli.{name}")


def _usage_errors() -> tuple[type[Exception], ...]:
    """The click exception classes typer raises for bad arguments (typer >= 0.26 vendors click)."""
    classes: list[type[Exception]] = []
    try:
        from typer._click.exceptions import ClickException as VendoredClickException

        classes.append(VendoredClickException)
    except ImportError:
        pass
    try:
        from click import ClickException

        classes.append(ClickException)
    except ImportError:
        pass
    return tuple(classes)


def main() -> None:
    """Run the CLI; a NocrxError becomes `Error [CODE]: message` on stderr and exit status 2."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    _register()
    try:
        status = app(standalone_mode=False)
    except NocrxError as error:
        typer.echo(f"Error [{error.code}]: {error}", err=True)
        sys.exit(2)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except _usage_errors() as error:  # usage errors arrive here in non-standalone mode
        error.show()
        sys.exit(2)
    sys.exit(status if isinstance(status, int) else 0)
