"""search/pinyin.py: the index side's syllables and initials."""
from __future__ import annotations

import pytest
from pypinyin import Style, lazy_pinyin

from ckanext.liuzhou.search import pinyin


@pytest.mark.parametrize("text", [
    "柳州市常住人口基础信息", "绿色出行 女性就业", "PM2.5浓度（日均）", "重庆市长江大桥", "㐀㐁人口户籍", "\u9fef\u9fef人口", "豈人口", "abc", "",
])
def test_initials_are_pypinyins_first_letters(text):
    """Initials are taken from the one conversion the syllables use: the same as pypinyin's
    FIRST_LETTER style, also for a character it has no reading for (left as it is)."""
    expected = " ".join(" ".join(lazy_pinyin(run, style=Style.FIRST_LETTER)) for run in pinyin._han_runs(text))
    assert pinyin.initials(text) == expected
    assert pinyin.syllables(text) == " ".join(" ".join(lazy_pinyin(run)) for run in pinyin._han_runs(text))


def test_syllables_and_initials():
    assert pinyin.syllables("常住人口") == "chang zhu ren kou"
    assert pinyin.initials("常住人口") == "c z r k"
