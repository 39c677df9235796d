# Two commands do everything on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test soak lint snapshots bench clean

# Test processes: two for every core. A Pilot test spends about two thirds of its time
# waiting for the app to go idle, so processes beyond the cores keep them busy (on 2 cores:
# the suite took about 8 min with 2 processes and 7 min with 3 on a fresh clone).
TEST_WORKERS ?= $(shell $(PYTHON) -c "import os; print(max(2, (os.cpu_count() or 1) * 2))")

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/frontdesk

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -m "not soak" -n $(TEST_WORKERS) --dist loadfile

# The long reliability runs: 50 kills, 4 × 500 concurrent saves, thousands of bad inputs.
soak: $(STAMP)
	$(BIN)/python -m pytest -q -m soak -s

snapshots: $(STAMP)
	$(BIN)/python -m pytest -q -k snapshots --snapshot-update

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache .bench
