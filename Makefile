# Quick start (see README):  make run   |   make test
PYTHON ?= python3
PIP := $(PYTHON) -m pip
PORT ?= 8501

.PHONY: install install-dev browser run test bench validate

install:
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt

install-dev:
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
browser:
	bash scripts/ensure_chromium.sh

run: install
	$(PYTHON) -m streamlit run app.py --server.port $(PORT)

test: install-dev browser
	$(PYTHON) -m pytest

bench: install-dev
	$(PYTHON) -m mpi_dash.bench

validate: install
	$(PYTHON) -m mpi_dash validate data/plan_2023.xlsx
