# Two commands for a newcomer: `make demo` and `make test`.
# The virtualenv is (re)installed only when pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export INTEGRITY_DATA_DIR ?= $(CURDIR)/data
TEST_DATA_DIR := $(CURDIR)/target-test/data
SCALE ?= s
DAYS ?=
END_DATE ?= 2026-10-31

comma := ,

.PHONY: demo test test-truth lint sqlfluff ruff dbt-test pytest ui bench screenshot docs clean install

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/dagster-dbt project prepare-and-package --file orchestration/project.py
	@touch $(STAMP)

## make demo: simulate a platform (if the landing zone is empty), run the whole pipeline, print where things are
demo: $(STAMP)
	$(BIN)/integrity demo --scale $(SCALE) --end-date $(END_DATE)

## make test: every check — ruff, sqlfluff, dbt build with tests on xs simulated data, pytest
test: export DBT_TARGET_PATH = $(CURDIR)/target-test/target
test: export DBT_LOG_PATH = $(CURDIR)/target-test/logs
test: $(STAMP)
	$(BIN)/ruff check orchestration tests
	$(BIN)/dagster-dbt project prepare-and-package --file orchestration/project.py
	rm -rf $(TEST_DATA_DIR)
	INTEGRITY_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/integrity simulate --scale xs --days 14 --end-date $(END_DATE) --seed 7 --faults
	INTEGRITY_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/integrity build
	INTEGRITY_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/sqlfluff lint models analyses macros --processes 2
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
