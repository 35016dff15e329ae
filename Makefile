# stretchbot: every command installs what it needs into .venv first (idempotent: only when pyproject.toml changed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: preview run test test-postgres lint bench bench-small check clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "stretchbot needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing stretchbot and its dependencies into $(VENV) (first run only; log: $(VENV)/install.log)..."
	@( $(BIN)/python -m pip install --disable-pip-version-check --upgrade pip \
	   && $(BIN)/python -m pip install --disable-pip-version-check -e '.[dev]' ) > $(VENV)/install.log 2>&1 \
	   || { tail -n 30 $(VENV)/install.log; echo "install failed: see $(VENV)/install.log"; exit 1; }
	@touch $(STAMP)

preview: $(STAMP) ## chat with the bot in this terminal (no Telegram account needed)
	@$(BIN)/stretchbot preview $(ARGS)

run: $(STAMP) ## run the bot on Telegram (needs TELEGRAM_BOT_TOKEN in .env)
	@$(BIN)/stretchbot run $(ARGS)

test: $(STAMP) ## the whole test suite (SQLite)
	@$(BIN)/python -m pytest $(ARGS)

test-postgres: $(STAMP) ## the whole test suite against PostgreSQL (TEST_POSTGRES_URL)
	@STRETCHBOT_TEST_DB=postgres $(BIN)/python -m pytest $(ARGS)

lint: $(STAMP) ## ruff and mypy (strict on bot/)
	@$(BIN)/ruff check bot tests $(wildcard bench)
	@$(BIN)/ruff format --check bot tests $(wildcard bench)
	@$(BIN)/mypy

bench: $(STAMP) ## every benchmark scenario at full size; writes bench/RESULTS.md
	@$(BIN)/python -m bench $(ARGS)

bench-small: $(STAMP) ## every benchmark scenario at a small size (CI)
	@$(BIN)/python -m bench --small $(ARGS)

check: lint test ## what CI runs first

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
