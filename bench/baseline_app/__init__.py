"""The yardstick of bench/intake.py: bare Django views on the same database and gunicorn setup.

``/hello`` answers a constant; ``/insert`` inserts one row in one transaction. No middleware,
no templates, no sessions: what Django itself costs, for the ratios in docs/benchmarks.md.
"""
