# The kit's two everyday commands:
#
#   make lab    install into .venv if needed, then open JupyterLab on the first notebook
#   make test   install into .venv if needed, then run every test (unit, property,
#               notebook and browser tests)
#
# Also: `make class` (a live class session: FOLDER, SCENARIO, SEED, TEAMS, CLASS_ARGS),
# `make test-slow` (the long suites), `make hub-tools` (JupyterHub's proxy for the hub test, in
# .venv), `make install` (the install step alone) and `make clean`.
#
# Overridable: PYTHON (the interpreter that makes the venv), NOTEBOOK, LAB_ARGS (extra
# arguments for `jupyter lab`), PYTEST_ARGS (extra arguments for pytest) and TEST_WORKERS
# (processes for `make test`, 2; 0 runs in one), e.g.
#   make lab LAB_ARGS='--no-browser --port 8899'
#   make test PYTEST_ARGS='-x -k scenario'

PYTHON ?= python3
NOTEBOOK ?= notebooks/00_start_here.ipynb
LAB_ARGS ?=
PYTEST_ARGS ?=
# Processes `make test` runs the tests in (pytest-xdist); each test file or notebook stays whole
# in one, in order (nbval plays a notebook's cells in turn; the browser tests' servers are per file).
TEST_WORKERS ?= 2

VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install: pip runs again only when pyproject.toml is newer.
STAMP := $(VENV)/.installed

# nbval (switched on by --nbval-lax) collects every .ipynb under the paths given, and pytest
# collects test_*.py files everywhere. Keep each to its own folder: notebooks run from
# notebooks/ only, Python tests from tests/ only. $(wildcard) drops notebooks/ while it
# does not exist, so pytest does not stop on a missing path.
TEST_PATHS := tests $(wildcard notebooks)
PYTEST_OPTS := -m "not slow" --nbval-lax --nbval-current-env -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile \
	--ignore-glob='$(CURDIR)/tests/*.ipynb' \
	--ignore-glob='$(CURDIR)/notebooks/*.py'

.PHONY: lab test test-slow hub-tools class install clean

lab: $(STAMP)
	$(BIN)/jupyter lab $(NOTEBOOK) $(LAB_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(TEST_PATHS) $(PYTEST_OPTS) $(PYTEST_ARGS)

# A live class session: the student app with Voilà, a link for students, a token for the console.
FOLDER ?= class-session
SCENARIO ?= tutorial
SEED ?= 1
TEAMS ?= 10
CLASS_ARGS ?=
class: $(STAMP)
	$(BIN)/python -m wargame.classroom serve $(FOLDER) --scenario $(SCENARIO) --seed $(SEED) --teams $(TEAMS) $(CLASS_ARGS)

# The slow suite (tests marked `slow`): hundreds of seeded games per scenario and policy, the
# balance search, the 30-team class session benchmark, a class through JupyterHub.
test-slow: $(STAMP) hub-tools
	$(BIN)/python -m pytest -m slow tests -p no:cacheprovider $(PYTEST_ARGS)

# JupyterHub's proxy (an npm package) for the hub test, inside .venv: nothing installed globally.
PROXY := $(VENV)/node/node_modules/.bin/configurable-http-proxy
PROXY_VERSION := 5.2.0
# Without npm it says so and goes on: the hub test then skips (fails under CI=true).
hub-tools: | $(BIN)/python
	@if [ -x $(PROXY) ]; then :; \
	elif command -v npm >/dev/null 2>&1; then \
		npm install --prefix $(VENV)/node --no-audit --no-fund --loglevel=error configurable-http-proxy@$(PROXY_VERSION); \
	else echo "make hub-tools: npm is missing (apt-get install npm), so the JupyterHub test will skip"; fi

install: $(STAMP)

# Order-only prerequisite (after |): the venv is made once and never triggers a reinstall.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test,rl,hub]'
	@# an editable install skips data files: link the kit's Voila template where Voila looks
	@mkdir -p $(VENV)/share/jupyter/voila/templates
	@ln -sfn $(CURDIR)/share/jupyter/voila/templates/wargame $(VENV)/share/jupyter/voila/templates/wargame
	@touch $@

# A venv that failed halfway (e.g. no ensurepip) is removed, so the next run starts clean.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build test-artifacts *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -name .ipynb_checkpoints -type d -prune -exec rm -rf {} +
