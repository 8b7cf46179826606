# Each target sets up what it needs: a virtual environment in .venv with the pinned dependencies.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test check serve schema docs bench clean

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

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf site .site-* $(VENV) .pytest_cache .hypothesis
