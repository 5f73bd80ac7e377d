# Two commands on a fresh clone: `make run` and `make test`. Everything else is set up on demand.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
MANIFEST := dbt_project/target/manifest.json
export CREDIT_HOME ?= $(CURDIR)/.credit_home
export DAGSTER_HOME ?= $(CREDIT_HOME)/dagster

.PHONY: setup browser java postgres run lint test test-fast ui bench generate clean

setup: $(STAMP) $(MANIFEST)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,spark]'
	touch $@

# dagster-dbt loads the dbt manifest when the code location loads, so a fresh clone builds it first.
$(MANIFEST): $(STAMP) $(shell find dbt_project -name '*.sql' -o -name '*.yml' -o -name '*.csv' 2>/dev/null | grep -v target/)
	$(BIN)/credit-pipeline prepare

run: setup $(if $(filter spark,$(CREDIT_ENGINE)),java)
	$(BIN)/credit-pipeline run --generate-if-empty

# The credit-report and public-page tests open pages in a real headless browser (Chromium, from the system's
# packages), with a CJK font so that screenshots show the characters rather than empty boxes.
BROWSER := $(shell command -v chromium || command -v chromium-browser || command -v google-chrome)
CJK_FONT := $(shell fc-list :lang=zh 2>/dev/null | head -1)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
ifeq ($(and $(BROWSER),$(CJK_FONT)),)
	$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-wqy-microhei
endif

# ruff on the Python (pyproject.toml) and sqlfluff on the dbt models and tests (.sqlfluff); no formatter is run.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/sqlfluff lint dbt_project/models dbt_project/tests


# Spark (CREDIT_ENGINE=spark, and its test) runs on Java 17, from the system's packages.
JAVA := $(shell command -v java)
java:
ifeq ($(JAVA),)
	$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq openjdk-17-jre-headless
endif

# The test of Dagster's storage on PostgreSQL starts a server of its own from the system's packages.
PG_CTL := $(shell command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | tail -1)
postgres:
ifeq ($(PG_CTL),)
	$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql
endif

test: setup browser java postgres lint
	$(BIN)/pytest -q --durations=15

# The inner loop: everything but the end-to-end runs through Dagster.
test-fast: setup
	$(BIN)/pytest -q -m "not e2e"

# The Dagster UI and daemon on the same instance as `make run` (dg dev reads [tool.dg] in pyproject.toml).
ui: setup
	$(BIN)/credit-pipeline prepare-instance
	VIRTUAL_ENV=$(CURDIR)/$(VENV) PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/dg dev

# ENGINE=spark: the full build on DuckDB and then on Spark (a local session) from the same lake, and a day on Spark.
# BENCH_ARGS: more options, e.g. "--home DIR" to keep the folder, "--spark-only --home DIR" for Spark's build alone.
bench: setup $(if $(filter spark,$(ENGINE)),java)
	$(BIN)/credit-pipeline bench --subjects $${SUBJECTS:-100000} --engine $${ENGINE:-duckdb} $(BENCH_ARGS)

generate: setup
	$(BIN)/credit-pipeline generate

clean:
	rm -rf $(CREDIT_HOME) dbt_project/target
