"""`python -m nocrx` runs the CLI."""

from nocrx.cli.app import main

main()
