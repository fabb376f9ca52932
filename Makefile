# Every target builds its own virtual environment from pyproject.toml: nothing to install by hand.
PYTHON ?= python3
VENV ?= .venv
BENCH_VENV ?= .venv-bench
PY := $(VENV)/bin/python

.PHONY: demo test test-slow lint bench networks checks clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

## demo: the main job: the Go/NoGo walkthrough on the shipped networks
demo: $(VENV)/.installed
	$(VENV)/bin/ssmlan demo --out demo_output

## test: lint and the default test suite (slow tests excluded)
test: $(VENV)/.installed lint
	$(PY) -m pytest

## test-slow: the slow statistical tests (CI runs them too)
test-slow: $(VENV)/.installed
	$(PY) -m pytest -m slow

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/lint-imports

## bench: benchmarks against ssm-simulators (installed only in the benchmark environment)
$(BENCH_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e . "ssm-simulators>=0.12"
	touch $@

bench: $(BENCH_VENV)/.installed $(VENV)/.installed
	$(BENCH_VENV)/bin/python benchmarks/simulators.py
	$(BENCH_VENV)/bin/python benchmarks/training_data.py
	$(PY) benchmarks/inference.py
	$(BENCH_VENV)/bin/python benchmarks/simulator_accuracy.py

## networks: rebuild the shipped networks from scratch (about 40 minutes on 2 cores)
networks: $(VENV)/.installed
	PATH="$(abspath $(VENV))/bin:$$PATH" bash recipes/build_networks.sh

## checks: every posterior check on the shipped networks, reports into docs/ (N=100 data sets
## per check by default: several hours on 2 cores; use N=20 for a first look)
checks: $(VENV)/.installed
	PATH="$(abspath $(VENV))/bin:$$PATH" bash recipes/run_checks.sh

clean:
	rm -rf $(VENV) $(BENCH_VENV) build src/*.egg-info
