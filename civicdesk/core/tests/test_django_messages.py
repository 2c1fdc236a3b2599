"""Django's own form errors in civicdesk's languages: its Malay length errors read "sepalingnya"
and "karater", and its Simplified Chinese null-character error "不允许是用空字符串" (empty
string). civicdesk's catalogues translate them again."""

import pytest
from django import forms
from django.utils import translation


def _error(field: forms.Field, value: str, language: str) -> str:
    with translation.override(language):
        with pytest.raises(forms.ValidationError) as raised:
            field.clean(value)
        return " ".join(raised.value.messages)  # lazy: worded in the language


def test_malay_length_errors_read_right():
    too_long = _error(forms.CharField(max_length=3), "abcd", "ms")
    assert too_long == "Pastikan nilai ini mempunyai paling banyak 3 aksara (ia mempunyai 4)."
    too_short = _error(forms.CharField(min_length=3), "ab", "ms")
    assert "sekurang-kurangnya 3 aksara" in too_short and "karater" not in too_short


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "不允许使用空字符（NUL）。"), ("zh-hant", "不允許使用空字元（NUL）。")],
)
def test_chinese_null_character_error_reads_right(language, expected):
    assert _error(forms.CharField(), "a\x00b", language) == expected


def test_english_is_unchanged():
    assert _error(forms.CharField(max_length=3), "abcd", "en") == (
        "Ensure this value has at most 3 characters (it has 4)."
    )
