# These commands do all set-up on a fresh machine (Debian, Python 3.11):
#   make run    serve the map on the embedded data at http://127.0.0.1:8000/
#   make test   run the whole test suite
#   make quick  the tests that need no database, no browser and little time
# Each creates the environment in .venv/ first; `make test` also installs the Debian
# packages the tests drive (GDAL's command-line tools, Chromium) where they are missing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test quick lint screenshots system-packages clean bench translations

run: $(STAMP)
	$(BIN)/hpmap serve --host $(HOST) --port $(PORT)

test: $(STAMP) system-packages
	$(BIN)/ruff check geo webmap tests bench tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The tests that need neither PostgreSQL nor Chromium and take under about 5 s each (README: Tests).
quick: $(STAMP)
	$(BIN)/ruff check geo webmap tests bench tools
	$(BIN)/python -m pytest -m "not postgis and not browser and not slow" $(PYTEST_ARGS)

screenshots: $(STAMP) system-packages
	HPMAP_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -m browser -q

# The benchmark against pygeoapi (bench/README.md): about 15 minutes; BENCH_ARGS=--quick for a short run.
bench: $(STAMP) system-packages
	@sh bench/system-packages.sh
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The interface's words (README: Languages): extract them from the code and templates, merge them into each
# language's catalogue (webmap/translations/<lang>/LC_MESSAGES/messages.po), compile what the app loads (.mo).
translations: $(STAMP)
	mkdir -p build
	$(BIN)/pybabel extract -F babel.cfg --add-location=file --no-wrap --add-comments=Translators: \
		--project=hpmap -o build/messages.pot .
	$(BIN)/pybabel update -i build/messages.pot -d webmap/translations --no-wrap --ignore-obsolete
	$(BIN)/pybabel compile -d webmap/translations --statistics

lint: $(STAMP)
	$(BIN)/ruff check geo webmap tests bench tools

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

system-packages:
	@sh tools/system-packages.sh

clean:
	rm -rf $(VENV) build *.egg-info
