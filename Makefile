# trailaudit: `make demo` runs the job end to end on bundled data; `make test` runs the checks.
# Both create a local virtual environment (.venv) on first use. Needs Python 3.11+.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: demo test lint typecheck unit bench clean browser-deps

$(STAMP): pyproject.toml setup.py auditor/ingest/_scan.c
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "trailaudit needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/trailaudit demo

lint: $(STAMP)
	$(BIN)/ruff check auditor checks reports tests bench tools
	$(BIN)/ruff format --check auditor checks reports tests bench tools

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python bench/ingest.py --mb 200
	$(BIN)/python bench/replay.py
	$(BIN)/python bench/report.py
	$(BIN)/python bench/s3.py

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache demo-report bench/out
