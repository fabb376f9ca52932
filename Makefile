# Every target builds its own virtual environment from pyproject.toml: nothing to install by hand.
# Two PyMC stacks: $(VENV) on Python 3.11 (PyMC 5, ArviZ 0.x), $(VENV312) on Python 3.12
# (PyMC 6, PyTensor 3, ArviZ 1; pyproject.toml picks the stack by Python version).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Python 3.12: python3.12 where it runs, else pyenv's newest 3.12.x; override with PYTHON312=...
ifeq ($(origin PYTHON312),undefined)
PYTHON312 := $(shell \
	if python3.12 -c '' >/dev/null 2>&1; then echo python3.12; \
	else v=$$(pyenv versions --bare 2>/dev/null | grep -E '^3\.12\.[0-9]+$$' | sort -V | tail -n 1); \
	if [ -n "$$v" ]; then echo "$$(pyenv root)/versions/$$v/bin/python3"; fi; fi)
endif
VENV312 ?= .venv-312
PY312 := $(VENV312)/bin/python
# The benchmark environment: Python 3.12 with HSSM, bambi and ssm-simulators beside ssmlan.
BENCH_VENV ?= .venv-bench

.PHONY: demo test test-311 test-312 test-slow lint bench networks checks clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

$(VENV312)/.installed: pyproject.toml
	@test -n "$(PYTHON312)" || { echo "No Python 3.12 found (python3.12 or pyenv); give one: make PYTHON312=/path/to/python3.12" >&2; exit 1; }
	$(PYTHON312) -m venv $(VENV312)
	$(PY312) -m pip install --quiet --upgrade pip
	$(PY312) -m pip install --quiet -e ".[dev]"
	touch $@

## demo: the main job: the Go/NoGo walkthrough on the shipped networks
demo: $(VENV)/.installed
	$(VENV)/bin/ssmlan demo --out demo_output

## test: lint and the default test suite (slow tests excluded) on both stacks
test: lint test-311 test-312

## test-311, test-312: the default test suite on one stack (Python 3.11 / Python 3.12)
test-311: $(VENV)/.installed
	$(PY) -m pytest

test-312: $(VENV312)/.installed
	$(PY312) -m pytest

## test-slow: the slow statistical tests (CI runs them too)
test-slow: $(VENV)/.installed
	$(PY) -m pytest -m slow

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/lint-imports

## bench: benchmarks against ssm-simulators (installed only in the benchmark environment)
$(BENCH_VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON312)" || { echo "No Python 3.12 found (python3.12 or pyenv); give one: make PYTHON312=/path/to/python3.12" >&2; exit 1; }
	$(PYTHON312) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e . "hssm==0.5.0" "bambi>=0.21" "ssm-simulators>=0.12"
	touch $@

bench: $(BENCH_VENV)/.installed $(VENV)/.installed
	$(BENCH_VENV)/bin/python benchmarks/simulators.py
	$(BENCH_VENV)/bin/python benchmarks/training_data.py
	$(PY) benchmarks/inference.py
	$(BENCH_VENV)/bin/python benchmarks/simulator_accuracy.py

## networks: rebuild the shipped networks from scratch (10-30 minutes per model on 2 cores; MODELS="..." for some)
networks: $(VENV)/.installed
	PATH="$(abspath $(VENV))/bin:$$PATH" bash recipes/build_networks.sh

## checks: every posterior check on the shipped networks, reports into docs/ (N=100 data sets
## per check by default: several hours on 2 cores; use N=20 for a first look)
checks: $(VENV)/.installed
	PATH="$(abspath $(VENV))/bin:$$PATH" bash recipes/run_checks.sh

clean:
	rm -rf $(VENV) $(VENV312) $(BENCH_VENV) build src/*.egg-info
