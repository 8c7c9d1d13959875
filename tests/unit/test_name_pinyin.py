"""A name's pinyin is pypinyin's reading of the whole name, also where a character has several
readings (the quick per-character path must never change the answer)."""

import pytest
from pypinyin import Style, lazy_pinyin

from server.households.derived import _pinyin_of, search_keys


def _whole(name: str) -> tuple[str, str]:
    full = "".join(lazy_pinyin(name, errors="ignore")).lower()
    return full, "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()


@pytest.mark.parametrize("name", ["杨明亮", "王建国", "朝阳", "行会", "谢丽都", "单小红", "曾长乐"])
def test_a_name_reads_as_pypinyin_reads_it_whole(name):
    assert _pinyin_of(name) == _whole(name)


def test_search_keys_hold_full_pinyin_and_initials_head_first():
    members = [{"name": "王芳", "relation": "之女"}, {"name": "杨明亮", "relation": "户主"}]
    assert search_keys(members) == "yangmingliang yml wangfang wf"
