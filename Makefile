# Two commands a fresh machine needs: `make run` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out/seeds

.PHONY: run test golden clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

## run: reconcile the bundled seed editions into $(OUT)
run: $(STAMP)
	$(BIN)/reconcile run fixtures/seeds --out $(OUT)
	@echo "Results: $(OUT)/summary.json and $(OUT)/works/*/ (canonical.txt, notes.json, report.html)"

## test: the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest

## golden: rewrite the expected outputs under fixtures/golden/ (review the diff before committing)
golden: $(STAMP)
	$(BIN)/python -m tests.golden

clean:
	rm -rf out .pytest_cache .hypothesis
