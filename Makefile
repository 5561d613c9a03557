# Two commands, on a fresh machine with Python 3.11+:
#   make run    set up .venv and start the app
#   make test   set up .venv and run the linter and every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8501
# More `streamlit run` options, e.g. to serve other machines (the shipped config listens on 127.0.0.1 only):
#   make run ARGS="--server.address 0.0.0.0 --browser.serverAddress dashboard.example.org"
ARGS   ?=

.PHONY: run test lint bench clean

run: $(STAMP)
	$(BIN)/python -m dashboard assets
	$(BIN)/python -m streamlit run dashboard/ui/app.py --server.port $(PORT) $(ARGS)

test: $(STAMP)
	$(BIN)/python -m dashboard assets
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# Reinstall whenever the dependencies change.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) dashboard/ui/static .pytest_cache .ruff_cache .hypothesis
