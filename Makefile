# lichtenberg_data – common tasks. Needs only python3.11 (or newer) and make.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PY      = $(BIN)/python
YEAR   ?= $(shell date +%Y)
MIRROR ?= demo-mirror
# Python keeps its bytecode caches: a shell that sets PYTHONDONTWRITEBYTECODE would make every
# process (each test worker, each notebook kernel) compile the package and rewrite the tests again,
# about 2 s per test worker.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help venv test test-fast check format demo demo-data demo-samples briefing lab bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,notebooks]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

venv: $(VENV)/.installed  ## create the virtual environment with every dependency

test: venv  ## run the test suite (real-file tests read ../shared/real-data, else the snapshot)
	$(BIN)/pytest -q

test-fast: venv  ## the tests that take less than a few seconds each (no notebook kernels)
	$(BIN)/pytest -q -m "not slow"

check: venv  ## lint with ruff
	$(BIN)/ruff check lichtenberg_data tests bench notebooks

format: venv  ## format the code with ruff
	$(BIN)/ruff format lichtenberg_data tests bench
	$(BIN)/ruff check --fix lichtenberg_data tests bench notebooks

demo-data: venv  ## load the real snapshot only (offline); no generated number, earlier sample data removed
	$(BIN)/lichtenberg-data demo

demo: demo-data briefing  ## set up, load the real snapshot, run the notebooks, build the briefing (real data only)

demo-samples: venv  ## as demo, plus marked sample data where no real data exist (to try the full layout)
	$(BIN)/lichtenberg-data demo --with-samples --samples $(MIRROR)
	$(MAKE) briefing

briefing: venv  ## run the notebooks headless and build reports/briefing-$(YEAR)
	$(BIN)/lichtenberg-data briefing --year $(YEAR) --out reports/briefing-$(YEAR)

lab: venv  ## start JupyterLab on the project's kernel, in notebooks/
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

bench: venv  ## measure the toolkit against its floors; writes bench/results.json
	$(PY) bench/run.py

clean:  ## remove the environment and everything produced
	rm -rf $(VENV) reports $(MIRROR) data/manifest.json data/reports data/logs
	find data/raw data/processed -mindepth 1 ! -name README.md -exec rm -rf {} +
