"""How text features read a (claim, text) pair: the featurizer `TextClassifier` fits on stance,
so one features config serves all three tasks."""

from __future__ import annotations

from marsad.models.encoders.sentence_embeddings import SentenceEmbeddings
from marsad.models.features.embedding_pair_features import EmbeddingPairFeatures
from marsad.models.features.pair_features import PairFeatures


def pair_featurizer(features):
    """The pair form of `features`: itself if it reads pairs (`handles_pairs`),
    `EmbeddingPairFeatures` around `SentenceEmbeddings`, else `PairFeatures` around it."""
    if getattr(features, "handles_pairs", False):
        return features
    if isinstance(features, SentenceEmbeddings):
        return EmbeddingPairFeatures(embeddings=features)
    return PairFeatures(ngram_features=features)
