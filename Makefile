# The two commands of the README: `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
PY := .venv/bin/python
PORT ?= 8000
HOUSEHOLDS ?= 12000
# The JavaScript linter, installed from package-lock.json by `scripts/setup.sh test`.
ESLINT := node_modules/.bin/eslint --max-warnings 0 .

.PHONY: run test test-sqlite test-postgres setup setup-test db lint bench

# Two job workers: a village's cards (minutes) never hold up a notice list asked for meanwhile.
run: setup db
	@echo ""
	@echo "  入户通 Ruhu: http://127.0.0.1:$(PORT)/"
	@echo "  Demo logins (password demo12345): demo-surveyor, demo-reviewer, demo-county, demo-admin"
	@echo ""
	RUHU_CONSUMER=2 .venv/bin/gunicorn -c gunicorn.conf.py --workers 3 --bind 0.0.0.0:$(PORT) --access-logfile - wsgi:app

setup:
	@scripts/setup.sh run

setup-test:
	@scripts/setup.sh test

db:
	.venv/bin/flask --app wsgi db upgrade
	.venv/bin/flask --app wsgi seed-demo --if-empty --households $(HOUSEHOLDS)

# The whole suite: SQLite (with the browser tests) and, beside it on the other core, the database
# tests again on PostgreSQL, whose output follows leg 1's; either leg failing fails the run. The
# PostgreSQL leg yields the processor (nice) so that the browser tests keep their pace.
test: setup-test
	@pg_log=$$(mktemp); \
	nice -n 10 $(MAKE) --no-print-directory test-postgres > "$$pg_log" 2>&1 & pg=$$!; \
	$(MAKE) --no-print-directory test-sqlite; sqlite=$$?; \
	wait $$pg; postgres=$$?; cat "$$pg_log"; rm -f "$$pg_log"; \
	echo "== SQLite leg: exit $$sqlite; PostgreSQL leg: exit $$postgres =="; \
	[ $$sqlite -eq 0 ] && [ $$postgres -eq 0 ]

test-sqlite:
	@echo "== Lint (ruff, the layer map, ESLint) =="
	.venv/bin/ruff check server tests bench
	.venv/bin/lint-imports
	$(ESLINT)
	@echo "== Test leg 1: SQLite (unit, API, sync, browser) =="
	$(PY) -m pytest -q -p no:cacheprovider tests

test-postgres:
	@echo "== Test leg 2: PostgreSQL (API, sync, reports, migrations; printed layout is leg 1's) =="
	RUHU_TEST_DATABASE_URL=$$(scripts/postgres.sh) $(PY) -m pytest -q -p no:cacheprovider \
	  -m "not layout" tests/api tests/sync tests/reports

lint: setup-test
	.venv/bin/ruff check server tests bench
	.venv/bin/lint-imports
	$(ESLINT)

# Measured figures (see bench/README.md); each script prints its targets beside them.
bench: setup-test
	$(PY) bench/seed_and_list.py
	cd bench/node && npm ci --silent
	$(PY) bench/sync_push.py
	$(PY) bench/shell_size.py
	$(PY) bench/shell_render.py
