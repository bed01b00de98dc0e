# Watchroom — the doors: make run, make test, make check, make bench.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

export WATCHROOM_DATA_DIR ?= $(CURDIR)/var

.PHONY: install prepare run test check bench lint types migrations-check translations messages clean worker

$(STAMP): pyproject.toml package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --silent
	touch $(STAMP)

# Set-up only: virtual environment, dependencies, front-end packages, translations, migrations, demo hospital.
install: $(STAMP)
	bash scripts/system_deps.sh
	$(BIN)/watchroom compilemessages --ignore=.venv --ignore=node_modules -v 0
	$(BIN)/watchroom migrate --no-input -v 0
	$(DEMO_ENV) $(BIN)/watchroom seeddemo

# Serve the demo hospital on http://127.0.0.1:$(PORT) with the timed-work worker and the simulated
# camera fleet (RTSP on 127.0.0.1:8554, HTTP snapshots on 8580) beside it. The worker starts once the
# fleet answers, so the first health sweep does not find every camera offline and open faults.
# Demo defaults (each can be overridden from the environment): debug on, no TOTP, e-mail to files
# under the data dir instead of an SMTP relay.
DEMO_ENV = WATCHROOM_DEBUG=$${WATCHROOM_DEBUG:-true} WATCHROOM_REQUIRE_2FA=$${WATCHROOM_REQUIRE_2FA:-false} \
	WATCHROOM_EMAIL_BACKEND=$${WATCHROOM_EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend}

run: install
	@echo "Watchroom: http://127.0.0.1:$(PORT)/  (demo logins in README.md)"
	$(DEMO_ENV) $(BIN)/watchroom camlab & camlab=$$!; \
	  for i in $$(seq 1 300); do (echo > /dev/tcp/127.0.0.1/8580) 2>/dev/null && (echo > /dev/tcp/127.0.0.1/8554) 2>/dev/null && break; \
	    [ $$i -eq 1 ] && echo "waiting for the simulated cameras (the first start encodes their clips)…"; sleep 1; done; \
	  $(DEMO_ENV) $(BIN)/watchroom runworker & worker=$$!; \
	  trap 'kill $$worker $$camlab 2>/dev/null' EXIT INT TERM; \
	  $(DEMO_ENV) $(BIN)/watchroom runserver 127.0.0.1:$(PORT)

# System packages (when missing), dependencies and compiled translations, nothing else (CI runs it
# once before two suites in parallel).
prepare: $(STAMP)
	bash scripts/system_deps.sh
	$(BIN)/watchroom compilemessages --ignore=.venv --ignore=node_modules -v 0

test: prepare
	$(BIN)/pytest -q $(PYTEST_ARGS)

check: $(STAMP) lint types migrations-check translations

lint:
	$(BIN)/ruff check watchroom bench
	$(BIN)/ruff format --check watchroom bench

types:
	$(BIN)/mypy watchroom/lib watchroom/audit $(filter-out watchroom/audit/services.py,$(wildcard watchroom/*/services.py)) \
		watchroom/incidents/intake.py watchroom/incidents/fastpath.py

migrations-check:
	WATCHROOM_DEBUG=true $(BIN)/watchroom makemigrations --check --dry-run

# Fails on a source string missing from the catalogue, or an untranslated or fuzzy entry.
translations:
	$(BIN)/python scripts/check_translations.py

messages:
	$(BIN)/watchroom makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=var --no-obsolete

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules var
