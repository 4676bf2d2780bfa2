# Two commands for users (see README): `make serve` and `make test`.
# Everything else here is what those two need on a fresh Debian machine with Python 3.11.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
TOOLS := .tools
UV := $(TOOLS)/uv/bin/uv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test test-fast install install-dev uv browser-deps proxy-deps pg-deps typecheck jscheck lint bench

# uv lives in a virtual environment of its own, made with the standard library's venv: that
# works where `pip install` outside a venv is refused (Debian's PEP 668 marker, or
# PIP_REQUIRE_VIRTUALENV) and where python3 has no pip at all (a venv brings its own). Only a
# Python without the venv module (Debian without python3-venv) needs a package first.
$(UV):
	@rm -rf $(TOOLS)/uv
	@python3 -m venv $(TOOLS)/uv 2>/dev/null || { \
	  echo "python3 cannot make a virtual environment: installing python3-venv" >&2; \
	  rm -rf $(TOOLS)/uv; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends python3-venv >/dev/null && \
	  python3 -m venv $(TOOLS)/uv; }
	@$(TOOLS)/uv/bin/python -m pip install --quiet --disable-pip-version-check uv

uv: $(UV)

# Serving needs the runtime dependencies only; the test tools come with `make test`.
install: $(UV)
	@$(UV) sync --locked --no-dev --inexact --quiet

install-dev: $(UV)
	@$(UV) sync --locked --quiet

serve: install
	$(UV) run --locked --no-sync hindsight serve $(ARGS)

# Browser tests drive Debian's Chromium (Playwright's own download cannot work here).
browser-deps:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null; }

# The trusted-header sign-in tests (tests/server/test_auth_header.py) put Debian's nginx in front
# of a real server, started by the tests on loopback with a configuration of their own (on a
# machine with systemd the package also starts its own service on port 80; the tests ignore it).
proxy-deps:
	@test -x /usr/sbin/nginx || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends nginx >/dev/null; }

# The PostgreSQL store's tests and the cluster test (tests/cluster/) start throwaway PostgreSQL
# servers of their own from Debian's binaries (initdb, pg_ctl, as the `postgres` user), on
# loopback in temporary folders; they never touch a cluster the package may have started.
pg-deps:
	@test -x "$$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -1)" || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }

typecheck: install-dev
	$(UV) run --locked --no-sync mypy

# The browser client's modules, checked by tsc (`// @ts-check`, JSDoc types; no build step):
# Debian's nodejs and npm if npm is missing, then the locked TypeScript in node_modules/.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }
	@npm ci --no-audit --no-fund --silent
	@touch $@

jscheck: node_modules/.installed
	npx --no-install tsc --noEmit -p .

# ruff (lint and format check) and mypy strict over board_state, server and client; tsc over static.
lint: typecheck jscheck
	$(UV) run --locked --no-sync ruff check .
	$(UV) run --locked --no-sync ruff format --check .

# Everything, then the in-process server suite, the client's tests against a real server, and
# the kill -9 and shutdown tests again on PostgreSQL (tests/pgserver.py starts a throwaway server; the tests that are about the
# SQLite file itself say so and skip).
test: install-dev browser-deps proxy-deps pg-deps typecheck
	$(UV) run --locked --no-sync pytest $(ARGS)
	HINDSIGHT_TEST_STORE=postgresql $(UV) run --locked --no-sync pytest tests/server -m "not slow" -q
	HINDSIGHT_TEST_STORE=postgresql $(UV) run --locked --no-sync pytest tests/client \
	  tests/server/test_kill9.py tests/server/test_shutdown.py -q

# The quick lane while you work: the core and the in-process server (well under a minute).
test-fast: install-dev
	$(UV) run --locked --no-sync pytest -m "not slow" -q $(ARGS)

bench: install-dev
	$(UV) run --locked --no-sync hindsight-client bench $(ARGS)
