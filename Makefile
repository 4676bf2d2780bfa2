# Two commands for users (see README): `make serve` and `make test`.
# Everything else here is what those two need on a fresh Debian machine with Python 3.11.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV := python3 -m uv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test install uv browser-deps typecheck bench

uv:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check uv

install: uv
	@$(UV) sync --locked --quiet

serve: install
	$(UV) run --locked --no-sync hindsight serve $(ARGS)

# Browser tests drive Debian's Chromium (Playwright's own download cannot work here).
browser-deps:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null; }

typecheck: install
	$(UV) run --locked --no-sync mypy

test: install browser-deps typecheck
	$(UV) run --locked --no-sync pytest $(ARGS)
