# The README's two commands: `make quickstart` and `make test`. Each creates or updates the
# local virtual environment (.venv) first. PyTorch (needed by camel-tools) is pinned to the
# CPU build first: an unpinned torch pulls a multi-GB CUDA build.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH := torch==2.13.0
EXTRAS ?= arabic,embeddings,e5,transformers,server,cluster,ray,tune,dev

.PHONY: venv quickstart screenshot benchmark-board test lint benchmark clean

# The quickstart needs only what its suite runs; tests need every extra. One stamp per set.
QUICKSTART_EXTRAS ?= embeddings,transformers

$(VENV)/.installed-%: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q $(TORCH)
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[$*]'
	touch $@

venv: $(VENV)/.installed-$(EXTRAS)

quickstart: $(VENV)/.installed-$(QUICKSTART_EXTRAS)
	$(BIN)/marsad-run --multirun --config-dir experiments/quickstart --config-name suite
	$(BIN)/marsad leaderboard --experiment quickstart --sweep latest \
	  --save experiments/quickstart/leaderboard.md --save experiments/quickstart/leaderboard.html

# The README's picture of the quickstart leaderboard page (Debian's chromium, headless).
screenshot:
	@command -v chromium >/dev/null || apt-get install -y -q chromium || \
	  { echo "install Debian's chromium package to render the page"; exit 1; }
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,2600 \
	  --screenshot=docs/leaderboard.png file://$(CURDIR)/experiments/quickstart/leaderboard.html

# The benchmark's reference board: results/ -> docs/benchmark.{md,json,html} and its picture.
benchmark-board: venv
	$(BIN)/marsad bench board --from-results results \
	  --save docs/benchmark.md --save docs/benchmark.json --save docs/benchmark.html
	@command -v chromium >/dev/null || apt-get install -y -q chromium || \
	  { echo "install Debian's chromium package to render the page"; exit 1; }
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --disable-background-networking \
	  --window-size=1400,2200 --screenshot=docs/benchmark.png file://$(CURDIR)/docs/benchmark.html

test: venv
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: venv
	$(BIN)/ruff check src tests benchmarks && $(BIN)/ruff format --check src tests benchmarks

benchmark: venv
	$(BIN)/python benchmarks/bench_tracking_overhead.py
	$(BIN)/python benchmarks/bench_leaderboard.py
	$(BIN)/python benchmarks/bench_embeddings.py
	$(BIN)/python benchmarks/bench_finetune.py

clean:
	rm -rf $(VENV) outputs mlflow.db mlruns
