#!/usr/bin/env python
"""Django's manage.py; `parley` is the same thing installed as a command."""
from parley.cli import main

if __name__ == "__main__":
    import sys

    main(sys.argv[1:] or ["help"])
