# stretchbot: every command installs what it needs into .venv first (idempotent: only when pyproject.toml changed).
# `make install` is the production install: the bot and its runtime dependencies only, no test or lint tools.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUNTIME_STAMP := $(VENV)/.installed-runtime
# pytest-xdist workers for `make test`: one per core (JOBS=1: one process)
JOBS ?= auto

.PHONY: install preview run test test-postgres lint bench bench-small check container-check clean

define pip_install
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "stretchbot needs Python 3.11 or newer (PYTHON=python3.11 make ...)")'
	@$(BIN)/python -m pip --version > /dev/null 2>&1 || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); } \
	   || { rm -rf $(VENV); echo "could not create $(VENV): on Debian and Ubuntu install python3-venv (docs/deployment.md)"; exit 1; }
	@echo "Installing $(1) into $(VENV) (log: $(VENV)/install.log)..."
	@( $(BIN)/python -m pip install --disable-pip-version-check --upgrade pip \
	   && $(BIN)/python -m pip install --disable-pip-version-check -e '$(1)' ) > $(VENV)/install.log 2>&1 \
	   || { tail -n 30 $(VENV)/install.log; echo "install failed: see $(VENV)/install.log"; exit 1; }
endef

$(STAMP): pyproject.toml
	$(call pip_install,.[dev])
	@touch $(STAMP) $(RUNTIME_STAMP)

$(RUNTIME_STAMP): pyproject.toml
	$(call pip_install,.)
	@touch $(RUNTIME_STAMP)

install: $(RUNTIME_STAMP) ## production: the bot and its runtime dependencies in .venv (no dev tools)
	@echo "installed: $(BIN)/stretchbot"

preview: $(STAMP) ## chat with the bot in this terminal (no Telegram account needed)
	@$(BIN)/stretchbot preview $(ARGS)

run: $(STAMP) ## run the bot on Telegram (needs TELEGRAM_BOT_TOKEN in .env)
	@$(BIN)/stretchbot run $(ARGS)

test: $(STAMP) ## the whole test suite (SQLite), on every core (JOBS=1 for one process)
	@$(BIN)/python -m pytest -n $(JOBS) $(ARGS)

test-postgres: $(STAMP) ## every test that uses the database, against PostgreSQL (TEST_POSTGRES_URL); the rest runs in `make test`
	@STRETCHBOT_TEST_DB=postgres $(BIN)/python -m pytest -n $(JOBS) $(ARGS)

lint: $(STAMP) ## ruff and mypy (strict on bot/)
	@$(BIN)/ruff check bot tests $(wildcard bench)
	@$(BIN)/ruff format --check bot tests $(wildcard bench)
	@$(BIN)/mypy

bench: $(STAMP) ## every benchmark scenario at full size; writes bench/RESULTS.md
	@$(BIN)/python -m bench $(ARGS)

bench-small: $(STAMP) ## every benchmark scenario at a small size (CI)
	@$(BIN)/python -m bench --small $(ARGS)

check: lint test ## what CI runs first

container-check: ## build the Containerfile on a Debian base made here and run the bot's commands in the image (root, podman; not in CI)
	@scripts/container-check.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
