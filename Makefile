# Tuntas — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
XDIST ?= -n auto
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-fast test-browser test-postgres lint typecheck imports check-migrations messages \
        messages-compile lock setup migrate clean bench-all

$(STAMP): requirements/base.txt requirements/dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP) messages-compile

messages-compile: $(STAMP)
	$(BIN)/tuntas compilemessages --ignore=.venv -v0

migrate: setup
	$(BIN)/tuntas migrate --no-input -v0

## make run: set up, migrate the embedded SQLite database, load the demo region if empty, serve
## (with the background worker beside the server).
run: export DEBUG ?= true
run: migrate
	$(BIN)/tuntas demo load --if-empty
	@echo "Serving Tuntas at http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@# The background worker (notifications, webhooks, exports, the periodic sweeps) runs beside
	@# the server and stops with it.
	$(BIN)/tuntas run_huey --workers 2 --worker-type thread --logfile var/huey.log >/dev/null 2>&1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/tuntas runserver $(HOST):$(PORT)

## make test: the whole suite on SQLite (lint, types, layering, migrations, unit and browser tests).
test: setup lint typecheck imports check-migrations
	$(BIN)/pytest $(XDIST) -m "not browser" -q
	$(MAKE) --no-print-directory test-browser

test-fast: setup
	$(BIN)/pytest $(XDIST) -m "not browser" -q

test-browser: setup
	$(BIN)/pytest -m browser -q -p no:xdist

test-postgres: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tuntas} $(BIN)/pytest $(XDIST) -m "not browser" -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy tuntas

imports: $(STAMP)
	$(BIN)/lint-imports --no-cache

check-migrations: $(STAMP)
	$(BIN)/tuntas makemigrations --check --dry-run -v1

## make messages: refresh both catalogues from the source (then translate what is new).
messages: $(STAMP)
	$(BIN)/tuntas makemessages -l id -l en --ignore=.venv --ignore=var --no-obsolete
	$(BIN)/python -m tuntas.core.catalogues fill-english

## make lock: re-resolve the pinned, hashed requirements.
lock: $(STAMP)
	cd requirements && ../$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe -o base.txt base.in
	cd requirements && ../$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe -o dev.txt dev.in

clean:
	rm -rf $(VENV) var/cache

## make bench-intake: submissions and tracking look-ups under load on SQLite and PostgreSQL,
## against bare-Django yardsticks (docs/benchmarks.md). BENCH_ARGS="--duration 10" for a quick run.
.PHONY: bench-intake
bench-intake: setup
	$(BIN)/python bench/intake.py $(BENCH_ARGS)

## make bench-sqlite-writers: writing transactions from three processes on one SQLite file,
## Django's own backend against tuntas.core.sqlite_backend's writer queue, alternating in one run.
.PHONY: bench-sqlite-writers
bench-sqlite-writers: setup
	$(BIN)/python bench/sqlite_writers.py $(BENCH_ARGS)

## make bench-handling: deadline computation for 1 M cases, engine against bare numpy (same run);
## then the inbox at 10 k and 1 M reports over 700 units and the whole sweep over 1 M open cases
## (bench/inbox.py; its databases are cached under var/bench/).
.PHONY: bench-handling
bench-handling: setup
	$(BIN)/python bench/deadlines.py --cases 1000000
	$(BIN)/python bench/inbox.py --reports 1000000 --small 10000

## make bench-exchange: the Open311 feed on 1 M reports (bench/exchange.py), then export and
## import (bench/transfer.py, when present). BENCH_ARGS="--duration 10" for a quick run.
.PHONY: bench-exchange
bench-exchange: setup
	$(BIN)/python bench/exchange.py $(BENCH_ARGS)
	if [ -f bench/transfer.py ]; then $(BIN)/python bench/transfer.py $(TRANSFER_ARGS); fi
