# Each target sets up what it needs: a virtual environment in .venv with the pinned dependencies.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test test-tools check serve schema docs golden bench clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/briefing build

check: $(STAMP)
	$(BIN)/briefing check

serve: $(STAMP)
	$(BIN)/briefing serve --dev-addr 127.0.0.1:8000

schema: $(STAMP)
	$(BIN)/briefing schema

docs: $(STAMP)
	$(BIN)/briefing docs

# The browser and HTML checks need Chromium, Java and pinned npm tools; the script installs what is missing.
test-tools:
	scripts/install-test-tools

test: $(STAMP) test-tools
	$(BIN)/python -m pytest

# The expected output of tests/test_golden.py, after an intended change to pages or exports.
golden: $(STAMP)
	$(BIN)/python -m tests.golden

SIZES ?= 10 100 1000
bench: $(STAMP)
	$(BIN)/python -m benchmarks.bench --sizes "$(SIZES)" --serve

clean:
	rm -rf site .site-* $(VENV) .pytest_cache .hypothesis test-artifacts tests/tools/node_modules
