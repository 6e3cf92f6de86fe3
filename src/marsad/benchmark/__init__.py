"""Marsad Benchmark: a named, versioned task set on real data (`conf/benchmark/<name>.yaml`), one
command that scores a model on all of it, one result file per (model, task), and one board.

- `definition`: the typed benchmark YAML and what each task means as `marsad-run` overrides;
- `results`: the result file's schema, written by a run and checked on load;
- `runner`: `marsad bench run`, every task a child run of one parent run;
- `board`: the Marsad score, its CI and rank groups, from result files alone;
- `render`: the board as Markdown, JSON and a self-contained HTML page.
"""

from marsad.benchmark.definition import Benchmark, BenchmarkError, BenchmarkTask, load_benchmark

__all__ = ["Benchmark", "BenchmarkError", "BenchmarkTask", "load_benchmark"]
