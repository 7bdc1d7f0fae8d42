# The course's commands. `make lab` and `make test` create the environment first.
PYTHON3 ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
PORT    ?= 8888
export PATH := $(abspath $(VENV))/bin:$(PATH)
NB      ?= notebooks/*.ipynb

.PHONY: env lab test test-fast cpu-matrix notebooks bench robustness slides clean-env help

help:
	@echo "make lab        - open the course in JupyterLab (127.0.0.1, token login)"
	@echo "make test       - ruff, unit tests, strict nbval on every notebook, browser tests"
	@echo "make test-fast  - unit tests only (no browser, no servers)"
	@echo "make cpu-matrix - the notebook suite again under other CPU code paths (LEGS=native,default,avx2 NB=...)"
	@echo "make notebooks  - re-execute notebooks in fresh kernels and save outputs (NB=path to pick one)"
	@echo "make bench      - notebook times/memory and speed ratios against references"
	@echo "make robustness - every trained comparison of the course over seeds (SEEDS=\"0 1 2 3 4\", ONLY=name)"
	@echo "make slides     - export every notebook to offline reveal.js slides in slides/ (needs npm once)"

# (Re)install when the venv is missing or requirements.txt / pyproject.toml changed. PyTorch's CPU index is
# used when it answers (tools/pip_requirements.py); TORCH_INDEX=default installs the default (CUDA) torch.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON3) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q --upgrade pip
	$(PY) -m pip install --disable-pip-version-check -r "$$($(PY) tools/pip_requirements.py requirements.txt $(VENV))"
	@touch $(STAMP)

env: $(STAMP)

lab: env
	$(PY) tools/lab.py --port $(PORT)

test: env
	$(PY) -m ruff check lib tests tools bench
	$(PY) -m pytest

test-fast: env
	$(PY) -m pytest tests -q -m "not browser and not integration"

# The notebook suite under several CPU code paths (tools/cpu_matrix.py): outputs must not depend on the CPU.
LEGS ?= default,avx2
cpu-matrix: env
	$(PY) tools/cpu_matrix.py --legs $(LEGS) $(MATRIX_FLAGS) $(NB)

notebooks: env
	$(PY) tools/execute_notebooks.py $(NB)

bench: env
	$(PY) bench/run.py

# Every named experiment (nnlab.experiments.lessons_*) for every seed; fails when a claim fails on any seed.
SEEDS ?= 0 1 2 3 4
robustness: env
	$(PY) tools/robustness.py --seeds "$(SEEDS)" $(if $(ONLY),--only $(ONLY))

# npm ci when node_modules is missing or older than the lock file; then export the decks.
slides: env
	@test tools/slides/node_modules/.installed -nt tools/slides/package-lock.json || \
	  (cd tools/slides && npm ci --no-audit --no-fund --ignore-scripts && touch node_modules/.installed)
	$(PY) tools/slides/build.py

clean-env:
	rm -rf $(VENV)
