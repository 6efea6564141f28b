# Customer Center — two commands: `make run` (portal with demo data) and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
# The developer mode: settings default to production (portal/settings.py); every target here is a developer's.
# pytest asks for it itself (pyproject.toml, [tool.pytest.ini_options] env).
DEV := DJANGO_DEBUG=1

.PHONY: run test test-dates lint install lock messages migrate demo clean

# Installs exactly the versions CI saw: requirements-dev.lock (pinned, with hashes) is the runtime lock plus the
# development tools. `make lock` regenerates both from pyproject.toml.
$(STAMP): requirements-dev.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --require-hashes --no-deps -r requirements-dev.lock
	touch $(STAMP)

lock: $(STAMP)
	$(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links --extra dev -c requirements.lock -o requirements-dev.lock pyproject.toml

install: $(STAMP)

messages: $(STAMP)
	$(DEV) $(PY) manage.py compilemessages --ignore=.venv -v 0

migrate: $(STAMP)
	$(DEV) $(PY) manage.py migrate --no-input -v 0

demo: migrate
	$(DEV) $(PY) manage.py seed_demo

run: install messages migrate
	$(DEV) $(PY) -m portal.devserver

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Tests use the machine's PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) when they answer,
# DATABASE_URL / REDIS_URL when set, else the embedded ones.
test: install messages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(DEV) PORTAL_PREFER_LOCAL_SERVICES=1 $(VENV)/bin/mypy
	PORTAL_PREFER_LOCAL_SERVICES=1 $(VENV)/bin/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# invoices, payments and rewards only; .ci/run runs them at a few chosen instants (PORTAL_TEST_NOW).
test-dates: install messages
	PORTAL_PREFER_LOCAL_SERVICES=1 $(VENV)/bin/pytest -n 2 --dist loadgroup -q -m "not e2e" tests/invoices tests/payments tests/rewards tests/core

clean:
	rm -rf var/ staticfiles/ tests/e2e/artifacts/*.png
