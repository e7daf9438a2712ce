"""`python bench/baseline_app/manage.py migrate` with bench/ on the path."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baseline_app.settings")

from django.core.management import execute_from_command_line

execute_from_command_line(sys.argv)
