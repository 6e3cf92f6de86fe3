"""A tiny BERT checkpoint built locally from the training texts, for offline tests and CPU baselines.

No weights are downloaded: a WordPiece tokenizer is trained with `tokenizers` on the texts and a
small randomly initialised `BertConfig` model is saved next to it as an ordinary checkpoint
folder. `TransformerClassifier` then loads that folder with the same `from_pretrained` calls a
Hugging Face checkpoint takes, so tests exercise the path users take with real models.

Folders are cached under `cache_dir("tiny_models")`, keyed by a hash of the texts and of this
builder's parameters: a second fit on the same data reuses the folder.

The build is deterministic: `tokenizers`' WordPiece trainer numbers the continuing pieces ("##x")
in hash-map order, which differs per process, and breaks ties between merges by those numbers
(huggingface/tokenizers#1794), so two cold builds gave different vocabularies and tiny_bert
different scores. Every "##x" of the texts' alphabet is numbered up front, in sorted order.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from sklearn.base import BaseEstimator

from marsad.cache import cache_dir
from marsad.models.encoders.transformers_logging import quiet_transformers

BUILD = 2  # part of the cache key: bump when the folder's content changes for the same inputs
SPECIAL_TOKENS = {"pad_token": "[PAD]", "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]",
                  "mask_token": "[MASK]"}  # fmt: skip


class TinyBert(BaseEstimator):
    """Builder of a small BERT checkpoint folder; an estimator only so `get_params`/`clone` work.

    Defaults: 2 layers, hidden 128, 2 heads, intermediate 256, an 8k WordPiece vocabulary.
    """

    def __init__(
        self,
        vocab_size: int = 8000,
        num_hidden_layers: int = 2,
        hidden_size: int = 128,
        num_attention_heads: int = 2,
        intermediate_size: int = 256,
        max_position_embeddings: int = 512,
        seed: int = 0,
    ) -> None:
        self.vocab_size = vocab_size
        self.num_hidden_layers = num_hidden_layers
        self.hidden_size = hidden_size
        self.num_attention_heads = num_attention_heads
        self.intermediate_size = intermediate_size
        self.max_position_embeddings = max_position_embeddings
        self.seed = seed

    def key(self, texts: list[str]) -> str:
        """Hash of the builder's parameters and the texts (in order): the cache folder's name."""
        digest = hashlib.sha256(json.dumps({**self.get_params(), "build": BUILD}, sort_keys=True).encode())
        for text in texts:
            digest.update(text.encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()[:20]

    def build(self, texts: Iterable[str]) -> Path:
        """The checkpoint folder for `texts`, built on first use (written atomically)."""
        texts = [str(t) for t in texts]
        folder = cache_dir("tiny_models") / f"tiny_bert-{self.key(texts)}"
        if (folder / "config.json").exists():
            return folder
        staging = Path(tempfile.mkdtemp(prefix=".building-", dir=folder.parent))
        with quiet_transformers():
            self._write(texts, staging)
        try:
            os.replace(staging, folder)  # another process may have won the race: keep theirs
        except OSError:
            if not (folder / "config.json").exists():
                raise
        return folder

    def _write(self, texts: list[str], folder: Path) -> None:
        import torch
        from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
        from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

        tokenizer = Tokenizer(models.WordPiece(unk_token=SPECIAL_TOKENS["unk_token"]))
        # No lower-casing or accent stripping: that would delete Arabic diacritics and hamza forms.
        tokenizer.normalizer = normalizers.BertNormalizer(lowercase=False, strip_accents=False)
        tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        tokenizer.decoder = decoders.WordPiece()
        specials = list(SPECIAL_TOKENS.values())
        normalized = (tokenizer.normalizer.normalize_str(t) for t in texts)
        alphabet = sorted({c for t in normalized for c in t if not c.isspace()})
        # Passed as special tokens only so that they are numbered first, in this order; they are
        # ordinary vocabulary again below (special tokens would never be split or merged).
        continuing = [f"##{c}" for c in alphabet]
        trainer = trainers.WordPieceTrainer(
            vocab_size=self.vocab_size, special_tokens=specials + continuing, show_progress=False
        )
        tokenizer.train_from_iterator(texts, trainer=trainer)
        state = json.loads(tokenizer.to_str())
        state["added_tokens"] = [t for t in state["added_tokens"] if t["content"] in specials]
        tokenizer = Tokenizer.from_str(json.dumps(state))
        cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
        tokenizer.post_processor = processors.TemplateProcessing(
            single="[CLS] $A [SEP]",
            pair="[CLS] $A [SEP] $B:1 [SEP]:1",
            special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
        )
        # The generic class loads tokenizer.json as trained (BertTokenizer would rebuild it with
        # accent stripping); token_type_ids must be listed or pairs lose their segment ids.
        PreTrainedTokenizerFast(
            tokenizer_object=tokenizer,
            model_max_length=self.max_position_embeddings,
            model_input_names=["input_ids", "token_type_ids", "attention_mask"],
            **SPECIAL_TOKENS,
        ).save_pretrained(folder)

        config = BertConfig(
            vocab_size=tokenizer.get_vocab_size(),
            hidden_size=self.hidden_size,
            num_hidden_layers=self.num_hidden_layers,
            num_attention_heads=self.num_attention_heads,
            intermediate_size=self.intermediate_size,
            max_position_embeddings=self.max_position_embeddings,
            pad_token_id=tokenizer.token_to_id("[PAD]"),
        )
        torch.manual_seed(self.seed)
        BertModel(config).save_pretrained(folder)
