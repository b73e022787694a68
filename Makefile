# Two commands on a fresh machine: `make demo` and `make test`.
# Needs only python3 (3.11+) and the package registries; everything else is installed here.

PYTHON ?= python3
UV_VERSION := 0.13.8
VENV := .venv
UV := .tools/bin/uv
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

.PHONY: setup system-deps oidc-provider demo test lint typecheck unit bench docs clean

## system-deps: Debian packages outside Python (Pango for PDF, poppler-utils), only if missing
system-deps:
	bash scripts/system-deps.sh

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --all-extras --python $(PYTHON)
	@touch $@

## setup: create .venv with lantern and its pinned dependencies (uv.lock)
setup: $(VENV)/.synced

## oidc-provider: the OpenID Connect provider the single sign-on tests run on loopback
## (panva/oidc-provider from the npm registry, pinned by tests/oidc_provider/package-lock.json)
OIDC_DIR := tests/oidc_provider
oidc-provider: $(OIDC_DIR)/node_modules/.installed

$(OIDC_DIR)/node_modules/.installed: $(OIDC_DIR)/package-lock.json $(OIDC_DIR)/package.json
	cd $(OIDC_DIR) && npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

## demo: generate the synthetic authority, load it, compute, report; prints where things are
demo: setup system-deps
	$(VENV)/bin/lantern demo

## test: lint, type-check and run every test
test: lint typecheck unit

lint: setup
	$(VENV)/bin/ruff check src tests bench scripts

typecheck: setup
	$(VENV)/bin/mypy

## Whole files to each worker (--dist loadfile): a module's fixture (a simulated authority,
## a stored home, a Spark session) is then built once, not on both workers. (Three workers
## on the two CPUs were no faster and made a timing-bound test fail.)
unit: setup system-deps oidc-provider
	$(VENV)/bin/pytest -n 2 --dist loadfile -q

## bench: run the in-project benchmark scripts (prints figures; see bench/RESULTS.md).
## bench/web.py, bench/ingest.py and bench/spc_crosscheck.py are run on their own (see
## their docstrings: a server, a national-size file, a separate virtualenv).
bench: setup system-deps
	$(VENV)/bin/python bench/synth.py
	$(VENV)/bin/python bench/kpis.py --quick
	$(VENV)/bin/python bench/alerts.py
	$(VENV)/bin/python bench/report.py

## Regenerate the docs pages generated from declarations (tests check they are current).
docs: setup
	$(VENV)/bin/python scripts/render_docs.py

clean:
	rm -rf $(VENV) .tools .lantern .pytest_cache .mypy_cache .ruff_cache
