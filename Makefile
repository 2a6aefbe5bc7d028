# HWaaS Partner Portal: install, lint, test and run on a Debian 12 machine.
#
#   make install   system packages, uv, the Python venv (.venv) and the npm assets
#   make lint      ruff + "no model change without a migration" + the layers (lint-imports)
#   make test      install, then lint + pytest against a throwaway PostgreSQL and Redis
#                  (extra pytest arguments: make test PYTEST_ARGS="-k quotes -x")
#   make run       install, then the portal as a partner sees it (DEBUG off, static files by WhiteNoise)
#                  + Celery worker + beat on SQLite with demo data
#   make dev       the same for developers: DEBUG on (Django's debug pages), code reloaded on change
#   make bench     the benchmark script
#
# Every step is idempotent: a second `make install` checks and does nothing (and needs no network).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# Some machines set PYTHONDONTWRITEBYTECODE=1; then every Django start recompiles every module
# (about 4x slower). Keep it away from everything make runs; uv compiles the bytecode once.
unexport PYTHONDONTWRITEBYTECODE

export DEBIAN_FRONTEND := noninteractive

APT_PACKAGES := postgresql redis-server chromium fonts-dejavu-core \
	libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils

# apt needs root; fall back to sudo for a developer working as a normal user.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# uv may be installed by pip somewhere not on PATH (e.g. ~/.local/bin): then run it as a module.
# A recursive (=) variable, so it is looked up after the install-uv step has run.
UV = $(shell command -v uv 2>/dev/null || echo python3 -m uv)

PYTEST_ARGS ?=

.PHONY: help install install-system install-uv install-python install-node lint test run dev bench

help:
	@sed -n '2,12p' Makefile | sed 's/^# \{0,1\}//'

install: install-system install-python install-node .env

# This checkout's own secret key, so manage.py works here without exporting one (never committed;
# production sets SECRET_KEY in its environment, and the settings refuse to start without one).
.env:
	umask 077 && printf 'SECRET_KEY=%s\n' "$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@

# Install only the packages that are missing, so a second run never touches apt (fast, offline).
install-system:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${db:Status-Status}' "$$p" 2>/dev/null | grep -qx installed || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "apt: installing$$missing"; \
	  $(SUDO) apt-get update -q; \
	  $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

# PIP_BREAK_SYSTEM_PACKAGES lets this work with Debian's own python3 too (PEP 668); older pips ignore it.
install-uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || \
	  PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet uv

install-python: install-uv .venv/.synced.stamp

# Re-sync only when the lock or the project file changed (or .venv was removed with its stamp).
.venv/.synced.stamp: uv.lock pyproject.toml
	$(UV) sync --frozen --compile-bytecode
	touch $@

# npm ci wipes node_modules, and the stamp with it: a deleted node_modules also triggers a reinstall.
install-node: node_modules/.installed.stamp

node_modules/.installed.stamp: package-lock.json package.json
	npm ci --no-audit --no-fund
	touch $@

# The settings require SECRET_KEY and PORTAL_BASE_URL unless DEBUG is on; any value does for these checks.
lint: install-python
	.venv/bin/ruff check .
	SECRET_KEY="$${SECRET_KEY:-lint-only-not-a-secret}" PORTAL_BASE_URL="$${PORTAL_BASE_URL:-http://lint.invalid}" \
	  .venv/bin/python manage.py makemigrations --check --dry-run
	.venv/bin/lint-imports

test: install
	scripts/test.sh $(PYTEST_ARGS)

run: install
	scripts/run.sh

dev: install
	scripts/run.sh --dev

bench: install
	.venv/bin/python bench/run.py
