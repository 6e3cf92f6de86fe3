"""shared_tail: paragraphs that end many articles of a corpus are cut from each article's end."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from marsad.data import TableDataset
from marsad.data.shared_tail import apply_shared_tail
from marsad.errors import ConfigError
from marsad.tasks import Task

ACTOR = Task("actor", ["text"], "multi", ["multilabel"], "micro_f1")
TEASER = "أعلنت وزارة الدفاع الروسية بدء تدريبات عسكرية واسعة في الشرق الأقصى"
APP = "يمكنكم استلام إشعارات بأهم الموضوعات بعد تحميل أحدث نسخة من التطبيق"
BACKGROUND = "وكانت الأمم المتحدة قد دعت في وقت سابق إلى وقف القتال في المدينة"


def article(lead: str, *tail: str) -> str:
    own = f"وقال شهود إن الخبر ({lead[:12]}) تأكد حتى ساعة متأخرة من الليل."  # the article's own last line
    return "\n".join([lead, own, *tail])


def corpus() -> pd.DataFrame:
    texts = [
        article("قصفت طائرات مواقع في ريف إدلب الجنوبي صباح اليوم", BACKGROUND, TEASER, "", APP),
        article("تظاهر آلاف في العاصمة احتجاجا على غلاء الأسعار", TEASER, APP),
        article("وصلت قافلة مساعدات إلى المدينة المحاصرة بعد أشهر من الانتظار", TEASER),
        # The background paragraph is shared too, but here it sits inside the body.
        article("عقد مجلس الأمن جلسة طارئة لبحث الوضع في الحديدة", BACKGROUND, "وانتهت الجلسة دون بيان."),
        article("أعلن الجيش مقتل عشرة مسلحين في عملية أمنية شمال البلاد", BACKGROUND),
    ]
    return pd.DataFrame({"id": [f"a{i}" for i in range(len(texts))], "text": texts})


def test_trailing_shared_paragraphs_go_and_the_body_stays():
    out = apply_shared_tail(corpus(), {"column": "text"}, "test")["text"].tolist()
    # TEASER ends three distinct texts, APP two (below min_texts=3), BACKGROUND occurs in three.
    assert out[0].split("\n")[-1] == APP  # APP is not shared enough: the tail stops there
    assert out[1].split("\n")[-1] == APP
    assert TEASER not in out[2] and out[2].endswith("من الليل.")
    assert BACKGROUND in out[3]  # shared, but followed by the article's own last line
    assert BACKGROUND not in out[4]  # shared and last: the documented cost of the rule
    with_app = apply_shared_tail(corpus(), {"column": "text", "min_texts": 2}, "test")["text"]
    assert [TEASER in t or APP in t for t in with_app] == [False, False, False, False, False]
    assert with_app[0].endswith("من الليل.")  # BACKGROUND, shared and now last, went with the block


def test_duplicate_texts_count_once_and_the_first_paragraph_is_kept():
    twice = pd.DataFrame({"text": [article("نص مكرر في ثلاثة أعمدة من الموقع نفسه", TEASER)] * 3})
    assert apply_shared_tail(twice, {"column": "text"}, "test")["text"].tolist() == twice["text"].tolist()
    only_shared = pd.DataFrame({"text": [TEASER, TEASER + "\n" + TEASER, "\n".join([TEASER] * 3)]})
    out = apply_shared_tail(only_shared, {"column": "text"}, "test")["text"].tolist()
    assert out == [TEASER] * 3  # a text never becomes empty


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"min_texts": 3}, "needs `column`"),
        ({"column": "text", "min_text": 3}, "takes only"),
        ({"column": "text", "min_texts": "3"}, "min_texts: expected int"),
        ({"column": "body"}, "no column 'body'"),
    ],
)
def test_bad_settings_are_one_clear_error(settings, message):
    with pytest.raises(ConfigError, match=message):
        apply_shared_tail(corpus(), settings, "dataset 'x'")


def test_a_join_judges_teasers_over_the_whole_joined_file(tmp_path: Path):
    folder = tmp_path / "news"
    folder.mkdir()
    corpus().to_json(folder / "articles.jsonl", orient="records", lines=True, force_ascii=False)
    labels = [{"id": "a2", "actors": [], "split": "dev"}]  # one of the five articles
    (folder / "labels.jsonl").write_text("\n".join(json.dumps(r) for r in labels) + "\n", encoding="utf-8")
    spec = {
        "path": "news",
        "file": "labels.jsonl",
        "columns": {"id": "id", "text": "text", "label": "actors"},
        "labels": ["isis", "russia"],
        "split": {"column": "split"},
    }
    joined = {"path": "news/articles.jsonl", "column": "id", "key": "id"}
    plain = TableDataset("t", {"actor": {**spec, "join": joined}}, data_root=str(tmp_path))
    cut = TableDataset("t", {"actor": {**spec, "join": {**joined, "shared_tail": {"column": "text"}}}},
                       data_root=str(tmp_path))  # fmt: skip
    before = plain.load(ACTOR, for_training=False)
    after = cut.load(ACTOR, for_training=False)
    assert before.frames["dev"]["text"].iloc[0].endswith(TEASER)
    assert after.frames["dev"]["text"].iloc[0].endswith("من الليل.")
    assert before.fingerprint != after.fingerprint
    assert cut.load(ACTOR, for_training=False).fingerprint == after.fingerprint  # kept per process
    # The corpus rewritten: the teaser now ends one text only, so it is no longer shared.
    rewritten = corpus()
    rewritten.loc[[0, 1], "text"] = [article("خبر أول مختلف تماما عن غيره من الأخبار"), article("خبر ثان")]
    rewritten.to_json(folder / "articles.jsonl", orient="records", lines=True, force_ascii=False)
    assert cut.load(ACTOR, for_training=False).frames["dev"]["text"].iloc[0].endswith(TEASER)
