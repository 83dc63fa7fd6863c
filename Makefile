# GoalCascade — the two commands: `make run` and `make test`. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format check bench bench-org bench-load bench-cascade worker beat clean

# bash with pipefail: the install's progress goes through a filter, and a failing pip must still fail the target.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

$(VENV)/.installed: pyproject.toml
	@echo "Setting up .venv: the first run downloads and installs about 120 packages (a few minutes)…"
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	@# One line per package as it is fetched, instead of minutes of silence.
	$(PIP) install --progress-bar off -e '.[dev]' | awk '/^Collecting /{print "  · " $$2; fflush()}'
	@echo "Installed."
	touch $@

install: $(VENV)/.installed

## Set up, migrate, load the demo organisation and serve on http://127.0.0.1:8000 (SQLite, Celery eager).
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@# What needs each demo person (due check-ins, goals off track below theirs) lands in their notifications; the
	@# digest mails go to this console (EMAIL_URL=console:), so only the job's summary line is shown here.
	$(PY) manage.py send_digests --now | tail -n 1
	@echo "Serving GoalCascade on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

## Set up and run the whole suite. Uses DATABASE_URL / REDIS_URL when set, SQLite and eager Celery otherwise.
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Benchmarks run on PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/goalcascade_bench make bench
## (docs/benchmarks.md): every benchmark on the shared organisation, one summary table; BENCH_ARGS=--quick for the
## short paths. bench-org builds the organisation alone, bench-load runs the full load test, bench-cascade the engine.
bench: install
	$(PY) bench/run_all.py $(BENCH_ARGS)

bench-org: install
	$(PY) bench/orggen.py --reuse $(BENCH_ARGS)

bench-load: install
	$(PY) bench/load.py $(BENCH_ARGS)

bench-cascade: install
	$(PY) bench/cascade.py $(BENCH_ARGS)

worker: install
	$(VENV)/bin/celery -A goalcascade worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A goalcascade beat --loglevel=INFO

clean:
	rm -rf $(VENV) *.sqlite3 .pytest_cache .ruff_cache
