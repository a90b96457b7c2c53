# FLAG3D Explorer: `make app` sets up everything and serves the app; `make test` sets up and tests.
# Every step is idempotent: stamps and existence checks make the second run fast.

SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
PORT ?= 8501
PLAYER_FRONTEND := pages/_ui/player/frontend
# Debian packages: OSMesa + Mesa EGL for offscreen rendering; chromium for the browser tests.
RENDER_PKGS := libosmesa6 libegl1 libegl-mesa0 libgl1-mesa-dri libgl1 libglu1-mesa
TEST_PKGS := chromium
SUDO := $(shell [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null && echo sudo)

.PHONY: app test setup venv syslibs syslibs-test frontend data lint unit bench clean-data

app: setup
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true

test: setup syslibs-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest -q -p no:cacheprovider

setup: venv syslibs frontend data

venv: $(STAMPS)/venv
$(STAMPS)/venv: requirements.lock pyproject.toml
	@mkdir -p $(STAMPS)
	[ -x $(BIN)/python ] || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check "torch==2.13.0"
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps "PyOpenGL==3.1.10"
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -c "import torch, streamlit, pyrender, smplx, duckdb, OpenGL; assert OpenGL.__version__ == '3.1.10'"
	touch $@

# Installs the system libraries only when one is missing (apt needs root or sudo).
syslibs: $(STAMPS)/syslibs
$(STAMPS)/syslibs:
	@mkdir -p $(STAMPS)
	@if ! dpkg -s $(RENDER_PKGS) >/dev/null 2>&1; then \
	  echo "installing offscreen-rendering libraries: $(RENDER_PKGS)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(RENDER_PKGS) >/dev/null \
	  || echo "WARNING: could not install $(RENDER_PKGS); rendering falls back to skeleton-only"; \
	fi
	touch $@

syslibs-test: $(STAMPS)/syslibs-test
$(STAMPS)/syslibs-test:
	@mkdir -p $(STAMPS)
	@if ! command -v chromium >/dev/null; then \
	  echo "installing chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(TEST_PKGS) >/dev/null; \
	fi
	touch $@

frontend: $(STAMPS)/frontend
$(STAMPS)/frontend: $(wildcard $(PLAYER_FRONTEND)/package-lock.json)
	@mkdir -p $(STAMPS)
	@if [ -f $(PLAYER_FRONTEND)/package-lock.json ]; then \
	  npm ci --prefix $(PLAYER_FRONTEND) --no-audit --no-fund --loglevel=error; fi
	touch $@

# Body model (stand-in), FLAG3D-Synth, catalog and default models: each built only if absent.
data: venv
	$(BIN)/flag3d setup

bench: setup
	$(BIN)/python benchmarks/run_all.py

clean-data:
	rm -rf data_catalog/*.duckdb data_catalog/arrays data_catalog/raw data_catalog/cache data_catalog/checkpoints
