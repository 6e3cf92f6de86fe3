"""The text window drops navigation lines, keeps Arabic prose, and bounds the length."""

from __future__ import annotations

import pandas as pd
import pytest

from marsad.data.text_window import TextWindow, apply_text_window
from marsad.errors import ConfigError

PROSE = "قال مصدر عسكري إن القوات سيطرت على البلدة بعد اشتباكات عنيفة"
PAGE = "\n".join(["Home | News | Login", "الرئيسية", PROSE, "Share on Facebook Twitter WhatsApp now", PROSE])


def test_navigation_and_latin_lines_are_dropped():
    assert TextWindow(max_tokens=1000)(PAGE) == f"{PROSE}\n{PROSE}"


def test_max_tokens_cuts_across_lines():
    out = TextWindow(max_tokens=15)(PAGE)
    assert len(out.split()) == 15
    assert out.split("\n")[0] == PROSE  # 11 tokens, then 4 of the second


def test_a_page_with_no_surviving_line_keeps_its_first_tokens():
    assert TextWindow(max_tokens=3)("Home | News | Login\nabout us") == "Home | News"


def test_apply_windows_only_the_configured_field():
    frame = pd.DataFrame({"claim": ["Home | News | Login"], "text": [PAGE]})
    out = apply_text_window(frame, {"max_tokens": 5})
    assert out["claim"].iloc[0] == "Home | News | Login"
    assert out["text"].iloc[0] == " ".join(PROSE.split()[:5])
    assert frame["text"].iloc[0] == PAGE  # the input is not modified


@pytest.mark.parametrize("settings", [{"max_tokens": 0}, {"min_arabic_share": 2}, {"max_words": 3}])
def test_bad_settings_are_config_errors(settings):
    with pytest.raises(ConfigError, match="text_window"):
        apply_text_window(pd.DataFrame({"text": ["x"]}), settings)
