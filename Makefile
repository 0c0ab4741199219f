# Two commands for a newcomer: `make demo` and `make test`.
# The virtualenv is (re)installed only when pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export INTEGRITY_DATA_DIR ?= $(CURDIR)/data
TEST_DATA_DIR := $(CURDIR)/target-test/data
# make test's readers: a published copy of the test warehouse beside (not inside) the test data dir,
# and a project dir for `mf`, which reads <project>/target/semantic_manifest.json only
READERS_DIR := $(CURDIR)/target-test/readers
MF_PROJECT := $(CURDIR)/target-test/mf-project
SEMANTIC_CHECK_METRICS := sla_compliance,unwanted_per_10k,spam_prevalence,proactive_rate,appeal_overturn_rate
SCALE ?= s
DAYS ?=
END_DATE ?= 2026-10-31

comma := ,

.PHONY: demo test test-truth lint sqlfluff ruff dbt-test pytest ui bench screenshot docs clean install spark-build

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/dagster-dbt project prepare-and-package --file orchestration/project.py
	@touch $(STAMP)

## make demo: simulate a platform (if the landing zone is empty), run the whole pipeline, print where things are
demo: $(STAMP)
	$(BIN)/integrity demo --scale $(SCALE) --end-date $(END_DATE)

## make test: every check — ruff, sqlfluff, dbt build with tests on xs simulated data, the semantic layer
## (mf validate-configs, an `integrity metrics` query on a published copy), pytest
test: export DBT_TARGET_PATH = $(CURDIR)/target-test/target
test: export DBT_LOG_PATH = $(CURDIR)/target-test/logs
test: $(STAMP)
	$(BIN)/ruff check orchestration tests
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/dagster-dbt project prepare-and-package --file orchestration/project.py
	rm -rf $(TEST_DATA_DIR)
	INTEGRITY_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/integrity simulate --scale xs --days 14 --end-date $(END_DATE) --seed 7 --faults
	INTEGRITY_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/integrity build
	@# semantic layer: publish the test warehouse into READERS_DIR, then `mf validate-configs`
	@# (semantic and warehouse checks, published target) and one `integrity metrics` query on it
	rm -rf $(READERS_DIR) $(MF_PROJECT) && mkdir -p $(READERS_DIR) $(MF_PROJECT)
	ln -s $(TEST_DATA_DIR)/warehouse.duckdb $(READERS_DIR)/warehouse.duckdb
	INTEGRITY_DATA_DIR=$(READERS_DIR) $(BIN)/python -c \
		"from orchestration.publish import publish; from orchestration.paths import data_paths; publish(data_paths())"
	for f in dbt_project.yml profiles.yml models macros seeds tests analyses; do \
		ln -s $(CURDIR)/$$f $(MF_PROJECT)/$$f; done; ln -s $(DBT_TARGET_PATH) $(MF_PROJECT)/target
	cd $(MF_PROJECT) && DBT_TARGET=published DBT_PROJECT_DIR=$(MF_PROJECT) DBT_PROFILES_DIR=$(CURDIR) \
		INTEGRITY_DATA_DIR=$(READERS_DIR) $(CURDIR)/$(BIN)/mf validate-configs
	INTEGRITY_DATA_DIR=$(READERS_DIR) $(BIN)/integrity metrics query --metrics $(SEMANTIC_CHECK_METRICS) \
		--group-by metric_time__week
	INTEGRITY_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/sqlfluff lint models analyses macros --processes 2
	$(MAKE) --no-print-directory spark-build SPARK_DATA_DIR=$(TEST_DATA_DIR)
	INTEGRITY_TEST_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/python -m pytest -q

## make test-truth: the scale-s proofs against the simulator's truth, one simulation and build per
## seed (42, 43, 44) shared by every proof: prevalence coverage pooled over the seeds, unwanted
## impressions, SLA, proactive rate, campaigns found, false alarms, reviewer accuracy
TRUTH_DIR := $(CURDIR)/target-truth
TRUTH_SEEDS ?= 42 43 44
test-truth: $(STAMP)
	rm -rf $(TRUTH_DIR)
	@for seed in $(TRUTH_SEEDS); do \
		dir=$(TRUTH_DIR)/seed-$$seed; \
		echo "== seed $$seed: simulate scale s and build"; \
		INTEGRITY_DATA_DIR=$$dir/data $(BIN)/integrity simulate --scale s --end-date $(END_DATE) --seed $$seed \
			--faults > /dev/null || exit 1; \
		DBT_TARGET_PATH=$$dir/target DBT_LOG_PATH=$$dir/logs INTEGRITY_DATA_DIR=$$dir/data \
			$(BIN)/integrity build > $$dir/build.log 2>&1 || { tail -40 $$dir/build.log; exit 1; }; \
		tail -1 $$dir/build.log; \
	done
	INTEGRITY_TRUTH_DATA_DIRS=$(subst $(eval) ,$(comma),$(foreach s,$(TRUTH_SEEDS),$(TRUTH_DIR)/seed-$(s)/data)) \
	INTEGRITY_OPS_PROOF_DATA_DIR=$(TRUTH_DIR)/seed-$(firstword $(TRUTH_SEEDS))/data \
	DBT_TARGET_PATH=$(TRUTH_DIR)/seed-$(firstword $(TRUTH_SEEDS))/target \
		$(BIN)/python -m pytest -q -s tests/python/test_marts_truth.py tests/python/test_operations.py

lint: $(STAMP)
	$(BIN)/ruff check orchestration tests
	mkdir -p $(CURDIR)/target-lint
	INTEGRITY_DATA_DIR=$(CURDIR)/target-lint $(BIN)/sqlfluff lint models analyses macros --processes 2

## make ui: Dagster webserver + daemon with schedules and sensors
ui: $(STAMP)
	$(BIN)/integrity ui

## make spark-build SPARK_DATA_DIR=DIR: the same dbt project on Apache Spark (`integrity build
## --engine spark`: dbt target `spark`, Spark in dbt's process) over DIR's raw zone, into DIR/spark:
## seeds, models and data tests (every compiled model runs on Spark), timed. make test runs it on the xs test data, and
## tests/python/test_spark_parity.py compares it with DuckDB's build.
## Needs Java 17: skipped (loudly) without it, an error under CI=true.
SPARK_DATA_DIR ?= $(INTEGRITY_DATA_DIR)
spark-build: $(STAMP)
	@if ! command -v java >/dev/null 2>&1; then \
		if [ "$$CI" = true ]; then echo "spark-build: Java 17 is not installed (.ci/run installs openjdk-17-jre-headless)"; exit 1; fi; \
		echo "spark-build: SKIPPED, no Java 17 on this machine (apt-get install openjdk-17-jre-headless)"; exit 0; fi; \
	rm -rf $(SPARK_DATA_DIR)/spark; start=$$(date +%s); \
	export INTEGRITY_DATA_DIR=$(SPARK_DATA_DIR) DBT_TARGET_PATH=$(SPARK_DATA_DIR)/spark/target \
		DBT_LOG_PATH=$(SPARK_DATA_DIR)/spark/logs; \
	$(BIN)/integrity build --engine spark --skip-ingest > $(SPARK_DATA_DIR)/spark-build.log 2>&1 \
		|| { grep -v WARN $(SPARK_DATA_DIR)/spark-build.log | tail -40; exit 1; }; \
	echo "spark-build: seeds, models and data tests on Spark in $$(( $$(date +%s) - start )) s (log $(SPARK_DATA_DIR)/spark-build.log)"

## make bench SCALE=m: simulate, full build, one incremental day, DuckDB-only time
bench: $(STAMP)
	$(BIN)/integrity bench --scale $(SCALE)

## make screenshot: PNG of the dashboard (needs Chromium)
screenshot: $(STAMP)
	$(BIN)/integrity screenshot

## make docs: the dbt docs site as one static file beside the dashboard ($INTEGRITY_DATA_DIR/docs/index.html),
## built without compiled SQL so it never shows the pseudonymisation key (needs a built warehouse)
docs: $(STAMP)
	$(BIN)/integrity docs

clean:
	rm -rf target target-test logs data
