"""Date formats per language (settings.FORMAT_MODULE_PATH), over Django's own.

Templates and messages write their date formats as English patterns: `|date:"j F Y"`,
`date_format(at, "l j F Y, H:i")`. Django looks a format up by that name in the active
language's format modules before using it as a pattern (django.utils.formats.get_format), so a
language whose dates read differently defines the pattern's name here. Chinese reads year,
month, day: "j F Y" is "2026年12月14日", not "14 十二月 2026". English and Malay keep the
patterns as written ("14 December 2026", "14 Disember 2026"); English names its own formats
(DATE_FORMAT and the rest) the same British way (en/formats.py).

A template that uses a new pattern adds it to CHINESE_PATTERNS; a test renders every pattern
found in the templates in Chinese and fails on one left out.
"""

# English pattern -> the same date in Chinese. "l" and "D" are the weekday (星期一).
CHINESE_PATTERNS = {
    "j F Y": "Y年n月j日",
    "j M Y": "Y年n月j日",
    "j F Y H:i": "Y年n月j日 H:i",
    "j F Y, H:i": "Y年n月j日 H:i",
    "j M Y H:i": "Y年n月j日 H:i",
    "l j F Y": "Y年n月j日（l）",
    "l j F Y, H:i": "Y年n月j日（l）H:i",
    "D j M Y, H:i": "Y年n月j日（D）H:i",
    "l j F, H:i": "n月j日（l）H:i",
    "l j F": "n月j日（l）",
    "D j M": "n月j日（D）",
    "j F, H:i": "n月j日 H:i",
    "j M H:i": "n月j日 H:i",
    "j M": "n月j日",
    "j F": "n月j日",
    # A chart's period labels (pledges.periods.axis_labels): "11月", "2027年1月".
    "M": "n月",
    "M Y": "Y年n月",
}
