# `make run` and `make test` work on a fresh machine: they create .venv and install first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -e .
	touch $(STAMP)

# Local try-out: uses ./escalation.toml if present, else the example policy.
# Without ZENDESK_WEBHOOK_SECRET it allows unsigned webhooks (and says so loudly),
# so it listens on 127.0.0.1 only unless HOST says otherwise (HOST=0.0.0.0).
# Logs are text for a person reading a terminal (production's default is JSON).
run: $(STAMP)
	HOST=$${HOST:-127.0.0.1} \
	LOG_FORMAT=$${LOG_FORMAT:-text} \
	ESCALATOR_RULES=$${ESCALATOR_RULES:-$$( [ -f escalation.toml ] && echo escalation.toml || echo examples/escalation.toml )} \
	ESCALATOR_ALLOW_UNSIGNED=$${ESCALATOR_ALLOW_UNSIGNED:-1} \
	$(BIN)/escalator run

# The linter and formatter check (ruff) and the type checker (mypy) first, configured in pyproject.toml;
# then the suite. -ra lists every skipped test with its reason (no PostgreSQL, no chromium …) at the end.
PYTEST_ARGS ?= -ra
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# Benchmarks (loopback only, bounded in time); ingest needs wrk (Debian: apt-get install wrk).
# sla takes about 20 minutes: two runs of 8 minutes in real time (10,000 and 100,000 tickets).
bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/e2e.py
	$(BIN)/python bench/idle.py
	$(BIN)/python bench/sla.py

clean:
	rm -rf $(VENV) .pytest_cache escalator.db escalator.db-wal escalator.db-shm
