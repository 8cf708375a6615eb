"""The `parley` command: Django's management commands, with `serve` as the default verb."""
import os
import sys

from django.core.management import execute_from_command_line


def main(argv: list[str] | None = None) -> None:
    """Run `parley VERB ...`; with no verb, serve the site."""
    args = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
    if not args or args[0].startswith("-") and args[0] not in ("-h", "--help", "--version"):
        args = ["serve", *args]
    execute_from_command_line(["parley", *args])


if __name__ == "__main__":
    main()
