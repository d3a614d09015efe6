# The two commands a newcomer needs on a fresh Debian machine with Python 3.11+:
#   make serve   the virtual environment .venv with docgen, then `docgen serve`
#   make test    .venv with the test extra, the Debian packages the tests use, then every test
# Other targets: make quick (the quick run), make lint, make screenshots (the README's images),
# make wheel (dist/), make clean-venv.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install -q --disable-pip-version-check
SERVE_ARGS ?=
PYTEST_ARGS ?=

.PHONY: serve test quick lint screenshots wheel system-packages clean-venv

serve: $(VENV)/.docgen
	$(VENV)/bin/docgen serve $(SERVE_ARGS)

# Every test, the slow ones too (what CI runs). pytest's status 5 (nothing collected) fails.
test: $(VENV)/.docgen-test system-packages
	@status=0; $(PY) -m pytest -m "slow or not slow" $(PYTEST_ARGS) || status=$$?; \
	if [ "$$status" -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit "$$status"

# The quick run: the slow tests deselected (pyproject's addopts).
quick: $(VENV)/.docgen-test
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.docgen-test
	$(VENV)/bin/ruff check .

# Rewrites docs/*.png from the browser tests (the default test run writes them nowhere).
screenshots: $(VENV)/.docgen-test system-packages
	$(PY) -m pytest tests/e2e -m "slow or not slow" --screenshots=docs $(PYTEST_ARGS)

wheel: $(VENV)/.docgen
	$(PY) -m pip wheel -q --disable-pip-version-check --no-deps -w dist .

system-packages:
	@bash .ci/debian-packages test

$(VENV)/bin/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { rm -rf $(VENV); bash .ci/debian-packages venv \
		&& $(PYTHON) -m venv $(VENV); }

$(VENV)/.docgen: pyproject.toml | $(VENV)/bin/python
	$(PIP) -e .
	@touch $@

$(VENV)/.docgen-test: pyproject.toml | $(VENV)/bin/python
	$(PIP) -e ".[test]"
	@touch $@ $(VENV)/.docgen

clean-venv:
	rm -rf $(VENV)
