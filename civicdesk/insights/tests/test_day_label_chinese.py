"""The staffing and redeployment pages name days "Mon 14 Dec"; in Chinese that read
"星期一 14 十二月", the English order with Chinese words. Chinese reads month, day, weekday."""

from django.utils import translation

from civicdesk.insights.views.staffing import _day_label


def test_day_labels_read_month_day_weekday_in_chinese():
    for language in ("zh-hant", "zh-hans"):
        with translation.override(language):
            label = _day_label("2026-12-14")
        assert label.startswith("12月14日（") and label.endswith("）"), label
        assert "十二月" not in label
    with translation.override("en"):
        assert _day_label("2026-12-14") == "Mon 14 Dec"
