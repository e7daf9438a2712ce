#!/usr/bin/env python3
"""Django's manage.py; `tuntas` (tuntas/cli.py) is the friendlier front door."""

from tuntas.cli import main

if __name__ == "__main__":
    main()
