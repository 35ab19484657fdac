# Tier0 — the two commands a new user needs are `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test bench-pages bench-search bench-pdf bench-dashboard install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changes, so a second `make run` is fast.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(VENV)/.installed

## Set everything up and serve the help center on http://127.0.0.1:$(PORT)
run: $(VENV)/.installed
	$(BIN)/tier0 db upgrade
	$(BIN)/tier0 kb sync
	$(BIN)/tier0 run --host 127.0.0.1 --port $(PORT)

## Run the whole test suite (and, when TIER0_TEST_DATABASE_URL is set, the app tests again on PostgreSQL)
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@if [ -n "$$TIER0_TEST_DATABASE_URL" ]; then \
		echo "== every app test again, on PostgreSQL =="; \
		TIER0_TEST_BACKEND=postgres $(BIN)/python -m pytest -m "not browser and not slow" $(PYTEST_ARGS); \
	fi

## Page-speed benchmark against a bare-Flask ceiling (writes the table for docs/performance.md)
bench-pages: $(VENV)/.installed-test
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null 2>&1; } \
		|| echo "wrk is not installed: falling back to the Python load generator (less precise)"
	$(BIN)/python bench/pages.py

## Search benchmark: the app's search backend (index build, update, query latency) against plain SQLite FTS5 (writes bench/results/search.md)
bench-search: $(VENV)/.installed-test
	$(BIN)/python bench/search.py

## PDF benchmark: cold renders (article, largest guide, a 30-article guide, handbook) against WeasyPrint in process, cached responses against bare Flask, peak memory (writes bench/results/pdf.md)
bench-pdf: $(VENV)/.installed-test
	$(BIN)/python bench/pdf.py

## Dashboard benchmark: a year of synthetic traffic (1,000,000 page views, 200,000 searches, 100,000 votes), the rollup of one day and the 90-day overview against raw SQL and a bare Flask page (writes bench/results/dashboard.md)
bench-dashboard: $(VENV)/.installed-test
	$(BIN)/python bench/dashboard.py

clean:
	rm -rf $(VENV) .pytest_cache
