# praxis_lab — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JS_OUT := praxis_lab/static/.built

.PHONY: install demo lab test test-fast screenshots bench compare-opentrons lint widgets clean

install: $(STAMP) $(JS_OUT)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

# Widgets: ES modules bundled with esbuild from the committed package-lock.json.
$(JS_OUT): widgets_js/package.json widgets_js/package-lock.json widgets_js/build.mjs $(wildcard widgets_js/src/*.js)
	cd widgets_js && npm ci --no-audit --no-fund --loglevel=error && node build.mjs
	@touch $(JS_OUT)

widgets: $(JS_OUT)

demo: install
	$(PY) -m praxis_lab.demo

# JupyterLab on the tutorials; as root (containers, Binder-like setups) it needs --allow-root.
LAB_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root)
lab: install
	$(VENV)/bin/jupyter lab notebooks/ $(LAB_ARGS)

# The whole suite, browser and PostgreSQL tests included (a throwaway server is
# started on loopback when PRAXIS_LAB_PG_URL is not set and PostgreSQL is installed).
test: install
	$(PY) tests/with_postgres.py $(PY) -m pytest -q $(PYTEST_ARGS)

# The browser tests again, their screenshots written to docs/img (the README's); `make test`
# writes them to a temp directory and leaves the working tree as it was.
screenshots: install
	PRAXIS_LAB_REQUIRE_BROWSER=1 PRAXIS_LAB_SCREENSHOT_DIR=$(CURDIR)/docs/img \
		$(PY) -m pytest -q tests/ui $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -q -m "not browser and not postgres and not slow" $(PYTEST_ARGS)

bench: install
	$(PY) benchmarks/run.py

# praxis_lab, PLR's chatterbox and opentrons.simulate on the paired protocols of
# benchmarks/compare/. Opentrons goes in a virtualenv of its own (it pins its own pydantic
# and numpy). 8.8.2: 9.x simulates Flex protocols only, 10.x does not import on Python 3.11.
OT_VENV    := benchmarks/.venv-opentrons
OT_VERSION := 8.8.2

$(OT_VENV)/.installed:
	@test -x $(OT_VENV)/bin/python || $(PYTHON) -m venv $(OT_VENV)
	$(OT_VENV)/bin/python -m pip install -q --upgrade pip
	$(OT_VENV)/bin/python -m pip install -q 'opentrons==$(OT_VERSION)'
	@touch $@

compare-opentrons: install $(OT_VENV)/.installed
	$(PY) benchmarks/compare_simulators.py

lint: install
	$(VENV)/bin/ruff check praxis_lab tests benchmarks
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) widgets_js/node_modules praxis_lab/static/*.js $(JS_OUT)
