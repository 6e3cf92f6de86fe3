"""Models: scikit-learn-compatible estimators and the feature builders they use."""

from marsad.models.claim_evidence import ClaimEvidence
from marsad.models.embedding_pair_features import EmbeddingPairFeatures
from marsad.models.features import ConstantFeatures, WordCharTfidf
from marsad.models.gated_classifier import GatedClassifier
from marsad.models.pair_features import PairFeatures
from marsad.models.sentence_embeddings import SentenceEmbeddings
from marsad.models.text_classifier import TextClassifier

__all__ = [
    "ClaimEvidence",
    "ConstantFeatures",
    "EmbeddingPairFeatures",
    "GatedClassifier",
    "PairFeatures",
    "SentenceEmbeddings",
    "TextClassifier",
    "WordCharTfidf",
]
