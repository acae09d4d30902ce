# Two commands on a fresh machine: `make run` (the app on http://localhost:8501) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SKLESION := sklesion==0.2.2

.PHONY: install run test test-fast bench manifest clean

$(STAMP): requirements.txt Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements.txt
	$(PY) -m pip install --no-deps $(SKLESION)  # only its model.keras is used (never its pickles)
	touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/streamlit run streamlit_app.py --server.port 8501

test: install
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not slow and not browser"

bench: install
	$(PY) -m skin_core bench

manifest: install
	$(PY) -m skin_core.data

clean:
	rm -rf $(VENV) .pytest_cache
