# Quick start (see README):  make run   |   make test-fast (while editing)   |   make test (what CI runs)
# Everything installs into a virtual environment (.venv): Debian 12 forbids pip installs into the
# system Python (externally-managed-environment).
PYTHON ?= python3
VENV ?= .venv
VPY := $(VENV)/bin/python
PIP := $(VPY) -m pip install --quiet --disable-pip-version-check
PORT ?= 8501
# pytest-xdist workers: `auto` = one per CPU; JOBS=0 runs in this one process (easier to debug).
JOBS ?= auto
# Tests that share a module-scoped fixture (one server for a module's browser tests) stay in one worker:
# tests/conftest.py gives them an xdist_group, which --dist loadgroup honours.
PYTEST_PARALLEL := -n $(JOBS) --dist loadgroup
FAST_MARKERS := not browser and not apptest and not server

.PHONY: install install-dev browser run test test-fast bench validate clean-venv

$(VPY):
	bash scripts/ensure_venv.sh "$(PYTHON)" "$(VENV)"

$(VENV)/.installed-runtime: requirements.txt | $(VPY)
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VPY)
	$(PIP) -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

install: $(VENV)/.installed-runtime

install-dev: $(VENV)/.installed-dev

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
browser:
	bash scripts/ensure_chromium.sh

run: install
	$(VPY) scripts/serve.py --server.port $(PORT)

# Everything: unit, AppTest page tests, servers and Chromium end-to-end tests (CI runs this).
test: install-dev browser
	$(VPY) -m pytest $(PYTEST_PARALLEL)

# The loop while editing: everything except browser, AppTest and server tests (markers set by tests/conftest.py),
# with cheap Argon2 parameters for the test accounts (half its CPU was password hashing; `make test` keeps the real ones).
test-fast: install-dev
	MPI_DASH_TEST_CHEAP_HASH=1 $(VPY) -m pytest $(PYTEST_PARALLEL) -m "$(FAST_MARKERS)"

bench: install-dev browser
	$(VPY) benchmarks/bench_core.py
	$(VPY) benchmarks/bench_upload.py
	$(VPY) benchmarks/bench_dashboard.py
	$(VPY) benchmarks/bench_informe.py
	$(VPY) benchmarks/bench_slides.py
	$(VPY) benchmarks/bench_load.py

validate: install
	$(VPY) -m mpi_dash validate data/plan_2023.xlsx

# Rebuild data/plan_2023.xlsx from the plan's text files in data/plan_2023/ (see docs/dev/plan_files.md).
.PHONY: plan
plan: install
	$(VPY) -m mpi_dash.plan_files data/plan_2023 -o data/plan_2023.xlsx

clean-venv:
	rm -rf $(VENV)
