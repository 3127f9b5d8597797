# The two commands: `make run` serves the demo scenario, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
SCENARIO ?= scenarios/demo.yaml
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: run test lint typecheck bench check clean browser fuzz image-test redis-server soak

# Browser tests drive Debian's Chromium (never a downloaded browser); install it when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "make test needs Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

# The store contract also runs on Debian's redis-server (tests start their own); install it when missing.
redis-server:
	@command -v redis-server >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	  else echo "make test needs Debian's redis-server: sudo apt-get install redis-server" >&2; exit 1; fi; }

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(STAMP)

$(BENCH_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[bench]'
	touch $@

run: $(STAMP)
	$(BIN)/mockserver serve --scenario $(SCENARIO) --host $(HOST) --port $(PORT)

test: lint typecheck browser redis-server
	$(BIN)/python -m pytest -n 2 -m "not image" $(PYTEST_ARGS)

# The container image, built on a base made locally (.ci/docker-base) and run; needs a running dockerd.
DOCKER_BASE ?= mockserver-base:bookworm
image-test: $(TEST_STAMP)
	.ci/docker-base $(DOCKER_BASE)
	MOCKSERVER_DOCKER_BASE=$(DOCKER_BASE) $(BIN)/python -m pytest -n 0 -m image tests/package/test_image.py $(PYTEST_ARGS)

# The long seeded fuzz (tests/fuzz/run.py): FUZZ_CASES cases over every route, a report of what it tried.
FUZZ_CASES ?= 200000
FUZZ_SEED ?= 1
fuzz: $(TEST_STAMP)
	$(BIN)/python -m tests.fuzz.run --cases $(FUZZ_CASES) --seed $(FUZZ_SEED)

lint: $(TEST_STAMP)
	$(BIN)/ruff check mockserver tests bench
	$(BIN)/ruff format --check mockserver tests bench

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

bench: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/large_world.py --runs 1
	$(BIN)/python bench/reset.py
	$(BIN)/python bench/journal.py
	$(BIN)/python bench/validate.py
	$(BIN)/python bench/stores.py

# Memory under a long run of state-creating traffic (SOAK_REQUESTS=200000 for a shorter one).
SOAK_REQUESTS ?= 1000000
soak: $(STAMP)
	$(BIN)/python bench/soak.py --requests $(SOAK_REQUESTS)

clean:
	rm -rf $(VENV) build *.egg-info
