"""Models: scikit-learn-compatible estimators and the feature builders they use.

- `encoders/`: text to vectors (sentence embeddings and their disk store) and checkpoint builders;
- `features/`: feature builders (scikit-learn transformers), which may use the encoders;
- `classifiers/`: the estimators a model config names, which may use both.

Every public name is `marsad.models.<Name>` (the spelling of `_target_` in conf/), imported on
first use (PEP 562), so `import marsad.models` loads neither torch nor transformers.
"""

from __future__ import annotations

from importlib import import_module

# Public name -> the module that defines it.
_MODULES = {
    "SentenceEmbeddings": "marsad.models.encoders.sentence_embeddings",
    "TinyBert": "marsad.models.encoders.tiny_bert",
    "E5SmallCheckpoint": "marsad.models.encoders.e5_checkpoint",
    "ClaimEvidence": "marsad.models.features.claim_evidence",
    "ConstantFeatures": "marsad.models.features.constant",
    "EmbeddingPairFeatures": "marsad.models.features.embedding_pair_features",
    "PairFeatures": "marsad.models.features.pair_features",
    "WordCharTfidf": "marsad.models.features.tfidf",
    "AliasLearner": "marsad.models.classifiers.alias_learning",
    "ExternalEstimator": "marsad.models.classifiers.external_estimator",
    "GatedClassifier": "marsad.models.classifiers.gated_classifier",
    "GazetteerActorMatcher": "marsad.models.classifiers.gazetteer",
    "GazetteerLogReg": "marsad.models.classifiers.gazetteer_logreg",
    "TextClassifier": "marsad.models.classifiers.text_classifier",
    "TransformerClassifier": "marsad.models.classifiers.transformer_classifier",
}

__all__ = sorted(_MODULES)


def __getattr__(name: str):
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
