# Every target sets itself up: a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck unit clean lock

# Installs come from the committed lock files (exact versions, hashes checked), so a clean
# clone gets the same packages every day; pyproject.toml keeps the ranges. `make lock`
# refreshes both locks from those ranges.
LOCK_FLAGS := --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Mujaz needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The editable install compiles classification's hot path with Cython (setup.py) in place,
# from the locked Cython and setuptools: --no-build-isolation keeps pip from fetching
# unpinned build requirements.
$(VENV)/.installed-run: requirements/run.txt pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/run.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-test: requirements/test.txt pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/test.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.installed-run

# The compiled modules again whenever their source changed (a stale one would run old code):
# setup.py takes its list from bot/core/hot_path.py, and recompiles only what changed.
HOT_PATH := $(wildcard bot/core/*.py bot/core/*.pxd)
$(VENV)/.built: $(HOT_PATH) setup.py | $(VENV)/.installed-run
	$(BIN)/python setup.py --quiet build_ext --inplace
	touch $@

run: $(VENV)/.installed-run $(VENV)/.built
	@$(BIN)/mujaz run

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

unit: $(VENV)/.installed-test $(VENV)/.built
	$(BIN)/python -m pytest -q

test: lint typecheck unit

lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet $(LOCK_FLAGS) --output-file requirements/run.txt pyproject.toml
	$(BIN)/pip-compile --quiet $(LOCK_FLAGS) --extra test --output-file requirements/test.txt pyproject.toml

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build
	rm -f bot/core/*.so bot/core/*.c
