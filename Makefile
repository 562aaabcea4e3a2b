# The two commands of README: `make run` and `make test`.
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app webapp

.PHONY: run test lint translations catalogues clean system-run system-test

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# Debian packages: espeak-ng and opus-tools for read-aloud; chromium and fonts-noto-core for the browser tests.
system-run:
	@PYTHON=$(PYTHON) tools/system-packages run

system-test:
	@PYTHON=$(PYTHON) tools/system-packages test

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d translations

run: system-run translations
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(FLASK) demo links --base-url http://127.0.0.1:$(PORT)
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# CLOCK=2027-03-28T01:30:00+01:00 freezes every test at that instant (default: when the run starts).
test: system-test translations lint
	STAPSTENEN_CLOCK="$(CLOCK)" $(BIN)/pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check .

# For developers: re-extract the strings and update every catalogue (then translate what is new).
catalogues: $(VENV)/.installed
	$(FLASK) translations update

clean:
	rm -rf $(VENV) instance
