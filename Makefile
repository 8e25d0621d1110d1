# Two commands a fresh machine needs: `make run` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out/seeds

.PHONY: run test test-slow golden clean bench bench-full

# `make run` installs what the tool needs to run, nothing more; the test tooling (pytest,
# hypothesis, Playwright) comes with `make test`.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $(STAMP)

# An editable install leaves the package's bytecode to be written on first import, which
# PYTHONDONTWRITEBYTECODE (set on some machines) forbids: each run would then compile all of
# reconcile again (0.08 s of the seeds' run). Compiled here, as a wheel's install does;
# the next `make run` or `make bench` compiles an edited module again (until then Python
# compiles it in memory: the .pyc's recorded modification time no longer matches).
COMPILED := $(VENV)/.compiled
$(COMPILED): $(STAMP) $(wildcard reconcile/*.py)
	$(BIN)/python -m compileall -q reconcile
	touch $(COMPILED)

TEST_STAMP := $(VENV)/.installed-test
$(TEST_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(TEST_STAMP)

## run: reconcile the bundled seed editions into $(OUT)
run: $(STAMP) $(COMPILED)
	$(BIN)/reconcile run fixtures/seeds --out $(OUT)
	@echo "Results: open $(OUT)/index.html in a browser; data in $(OUT)/summary.json and $(OUT)/works/*/ (canonical.txt, notes.json, notes.md, tei.xml, report.html)"

# The browser tests drive Debian's Chromium (never a downloaded browser) with CJK fonts.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "installing chromium and fonts-noto-cjk for the browser tests"; \
	  apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else \
	  echo "note: $(CHROMIUM) is missing and cannot be installed here: browser tests skip (and fail under CI)"; \
	fi

# The TEI tests validate against tei_all with Debian's jing (lxml cannot compile tei_all).
JING := /usr/bin/jing
$(JING):
	@if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "installing jing for the TEI validation tests"; \
	  apt-get update -qq && apt-get install -y -qq jing >/dev/null; \
	else \
	  echo "note: $(JING) is missing and cannot be installed here: TEI validation skips (and fails under CI)"; \
	fi

## test: the whole test suite
test: $(TEST_STAMP) $(CHROMIUM) $(JING)
	$(BIN)/python -m pytest

## test-slow: the fuzz property with 1,000 generated folders (nightly; `make test` runs 100)
test-slow: $(TEST_STAMP)
	RECONCILE_FUZZ_EXAMPLES=1000 $(BIN)/python -m pytest tests/hostile/test_fuzz.py

## golden: rewrite the expected outputs under fixtures/golden/ (review the diff before committing)
golden: $(TEST_STAMP)
	$(BIN)/python -m tests.golden

BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install -q -e '.[bench]'
	touch $(BENCH_STAMP)

## bench: quick benchmark (10 and 100 works, CollateX at 1,000 and 2,000 characters; < 5 min);
##        writes docs/benchmarks.md and docs/bench-time.png, works in out/bench/
bench: $(BENCH_STAMP) $(COMPILED)
	$(BIN)/python -m bench --quick

## bench-full: the whole benchmark (10, 100 and 1,000 works, CollateX up to 4,000 characters)
bench-full: $(BENCH_STAMP) $(COMPILED)
	$(BIN)/python -m bench --full

clean:
	rm -rf out .pytest_cache .hypothesis
