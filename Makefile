# crm-openapi — one verb per task. Every target bootstraps .venv from pyproject.toml itself.
#
#   make                 lint every spec and regenerate every client (= make all)
#   make test            everything CI runs: lint, drift check, mypy, pytest (incl. contract tests)
#                        in one process per core [PYTEST_WORKERS=auto]
#   make test-fast       the same without the contract and browser tests
#   make mock VENDOR=clevertim [PORT=8080]      run a vendor's mock in the foreground
#   make contract VENDOR=clevertim [TAG=Deals,Orders] [OPERATION=listDeals]
#                        schemathesis: spec vs mock (or live, see README), report in .contract/
#   make bench           benchmarks (speed and memory targets; never part of make test)
#   make soak [SOAK_ARGS="--requests 4000 --threads 8"]   mocks under mixed load: errors, lost writes, RSS
#   make dist            spec artifacts (YAML, JSON, dereferenced) + wheels/sdists into dist/
#   make docs            the documentation site into site/ (offline; Redoc pinned via npm ci)
#   make diff BASE=main  breaking-change gate: every spec vs BASE (api-smart-diff via npm ci)
#   make clean           remove the virtualenv and caches

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
VENDORS := $(basename $(notdir $(wildcard specs/*.yaml)))
VENDOR ?=
PORT ?= 8080

.DEFAULT_GOAL := all
.PHONY: all lint generate check-generated typecheck typecheck-mocks typecheck-tools mock contract test test-fast bench soak dist docs diff clean help

# The venv is rebuilt when pyproject.toml changes; the marker file records a finished install.
# The tooling package (scripts/pyproject.toml, `crm_tools`) is installed editable next to it, with
# no build isolation (setuptools is pinned in the dev extra) and no dependencies of its own.
$(VENV)/.installed: pyproject.toml scripts/pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-build-isolation --no-deps -e scripts
	@touch $@

all: lint generate

lint: $(VENV)/.installed
	@$(PY) -m crm_tools.lint
	@$(BIN)/ruff check mocks scripts tests
	@$(BIN)/ruff format --check --quiet mocks scripts tests

generate: $(VENV)/.installed
	@$(PY) -m crm_tools.generate

check-generated: $(VENV)/.installed
	@$(PY) -m crm_tools.generate --check

# Generated code is excluded from style rules but must pass mypy --strict; so must the mocks and
# the tooling. One mypy run per package, so `make -j` runs them side by side.
typecheck: $(addprefix typecheck-client-,$(VENDORS)) typecheck-mocks typecheck-tools

typecheck-client-%: $(VENV)/.installed
	@cd generated/$*-client && ../../$(BIN)/mypy --strict --cache-dir ../../.mypy_cache/$* $(subst -,_,$*)_client

typecheck-mocks: $(VENV)/.installed
	@$(BIN)/mypy --strict --cache-dir .mypy_cache/mocks mocks/crm_mocks

typecheck-tools: $(VENV)/.installed  # generator/modules: checked inside each client
	@$(BIN)/mypy --strict --cache-dir .mypy_cache/scripts -p crm_tools

mock: $(VENV)/.installed
	@test -n "$(VENDOR)" || { echo "usage: make mock VENDOR=<$(VENDORS)> [PORT=8080]"; exit 2; }
	$(BIN)/crm-mock $(VENDOR) --port $(PORT)

# Against the bundled mock by default; against a live service when <VENDOR>_BASE_URL and its
# credentials are set (GET-only unless CONTRACT_ALLOW_WRITES=1). See README "Contract tests".
# (The test suite's contract tests always target the mocks; this verb honours live mode.)
# TAG / OPERATION narrow the run to tags / operationIds (comma-separated; both: the intersection).
contract: $(VENV)/.installed
	@test -n "$(VENDOR)" || { echo "usage: make contract VENDOR=<$(VENDORS)> [TAG=...] [OPERATION=...]"; exit 2; }
	$(PY) -m crm_tools.contract $(VENDOR) $(if $(TAG),--tag "$(TAG)") $(if $(OPERATION),--operation-id "$(OPERATION)")

# pytest-xdist: one test process per core ("auto"); schemathesis stays one worker per process.
# worksteal rebalances when the long contract runs end up queued on one process.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -p no:cacheprovider -n $(PYTEST_WORKERS) --dist worksteal

# The three gates are independent: run side by side (output kept per gate), then the tests.
test: $(VENV)/.installed
	@$(MAKE) --no-print-directory -j3 --output-sync=target lint check-generated typecheck
	$(PYTEST)

test-fast: $(VENV)/.installed lint
	$(PYTEST) -m "not contract and not browser"

# Stoplight Prism (package.json) is the stateless baseline the mocks are compared with.
bench: $(VENV)/.installed node_modules/.package-lock.json
	$(PY) -m crm_tools.bench

# Mixed requests from several threads against each vendor's crm-mock process; never in make test.
soak: $(VENV)/.installed
	$(PY) -m crm_tools.soak $(SOAK_ARGS)

dist: $(VENV)/.installed
	@$(PY) -m crm_tools.dist

# Redocly CLI and Prism, pinned by package-lock.json; reinstalled only when the lock file changes.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

docs: $(VENV)/.installed node_modules/.package-lock.json
	$(PY) -m crm_tools.build_docs

# Every spec against its version at BASE (a git ref): changes classified breaking or not by
# api-smart-diff; fails on a breaking change without a higher info.version (docs/writing-specs.md).
BASE ?= HEAD
diff: $(VENV)/.installed node_modules/.package-lock.json
	@$(PY) -m crm_tools.spec_diff diff --base $(BASE)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis site dist build node_modules .contract .bench
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

help:
	@sed -n '1,15p' Makefile
