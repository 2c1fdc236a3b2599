"""Dates read as each language writes them: 2026年12月14日 in Chinese, 14 December 2026 in English.

Templates write English patterns (`|date:"j F Y"`); civicdesk/config/formats gives each one its
Chinese form. The scan below finds every pattern the templates and messages use, so a new one
left without a Chinese form fails here.
"""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils.formats import date_format
from django.utils.translation import override

import civicdesk
from civicdesk.cases.services import case_create
from civicdesk.cases.tests.factories import CategoryFactory
from civicdesk.cases.views.public import SESSION_KEY

HK = ZoneInfo("Asia/Hong_Kong")
MONDAY = datetime(2026, 12, 14, 10, 13, tzinfo=HK)
PACKAGE = Path(civicdesk.__file__).parent
# |date:"j F Y" in templates; date_format(x, "l j F Y, H:i") in code.
USED = re.compile(r"""(?:\|date:|date_format\([^,()]+,\s*)["']([^"']+)["']""")
ISO_ONLY = set("YmdHisc-: ")  # 2026-12-14 10:13: the same in every language
NAMED = re.compile(r"^[A-Z_]+$")


def _patterns_in_use() -> set[str]:
    found = set()
    for path in [*PACKAGE.rglob("*.html"), *PACKAGE.rglob("*.py")]:
        if "tests" not in path.parts:
            found.update(USED.findall(path.read_text(encoding="utf-8")))
    return {p for p in found if not set(p) <= ISO_ONLY and not NAMED.match(p)}


def _render(pattern: str, language: str) -> str:
    with override(language):
        return Template("{{ at|date:pattern }}").render(Context({"at": MONDAY, "pattern": pattern}))


def test_the_scan_finds_the_patterns_pages_use():
    assert {"j F Y", "j F Y, H:i", "j M Y H:i", "l j F Y, H:i"} <= _patterns_in_use()


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_every_pattern_in_use_reads_year_month_day_in_chinese(language):
    for pattern in sorted(_patterns_in_use()):
        shown = _render(pattern, language)
        assert "十二月" not in shown and "Dec" not in shown, (pattern, shown)
        day = "14日" if "j" in pattern else ""  # "M Y", a chart's month: 2026年12月
        if "Y" in pattern:
            assert f"2026年12月{day}" in shown, (pattern, shown)
        elif "F" in pattern or "M" in pattern:
            assert f"12月{day}" in shown, (pattern, shown)
        if "l" in pattern:
            assert "星期一" in shown, (pattern, shown)
        if "H:i" in pattern:
            assert "10:13" in shown, (pattern, shown)


def test_the_journey_dates_in_chinese():
    assert _render("j F Y", "zh-hant") == "2026年12月14日"
    assert _render("j F Y, H:i", "zh-hant") == "2026年12月14日 10:13"
    assert _render("j F Y", "zh-hans") == "2026年12月14日"
    with override("zh-hant"):
        assert date_format(MONDAY, "l j F Y, H:i") == "2026年12月14日（星期一）10:13"


def test_english_and_malay_keep_the_patterns_as_written():
    assert _render("j F Y", "en") == "14 December 2026"
    assert _render("j F Y, H:i", "en") == "14 December 2026, 10:13"
    assert _render("j M Y H:i", "en") == "14 Dec 2026 10:13"
    assert _render("l j F Y, H:i", "en") == "Monday 14 December 2026, 10:13"
    assert _render("j F Y", "ms") == "14 Disember 2026"
    assert _render("Y-m-d", "zh-hant") == "2026-12-14"


def test_named_formats_in_english_are_british_not_american():
    assert _render("DATE_FORMAT", "en") == "14 December 2026"
    assert _render("DATETIME_FORMAT", "en") == "14 December 2026, 10:13"
    assert _render("SHORT_DATETIME_FORMAT", "en") == "14 Dec 2026 10:13"
    assert _render("DATETIME_FORMAT", "zh-hant") == "2026年12月14日 10:13"


@pytest.mark.django_db
def test_the_submitted_page_promises_a_chinese_date(client, agency, monday_30_november):
    category = CategoryFactory(agency=agency)
    case = case_create(agency=agency, kind="complaint", channel="web", category=category,
                       description="天花板漏水，請派人維修。", language="zh-hant",
                       contact_email="chan@example.org")  # fmt: skip  # a promise needs a contact
    session = client.session
    session[SESSION_KEY] = [case.reference]
    session.save()
    client.cookies["django_language"] = "zh-hant"
    html = client.get(f"/cases/new/{case.reference}/").content.decode()
    assert "2026年12月14日" in html and "十二月" not in html
    client.cookies["django_language"] = "en"
    assert "14 December 2026" in client.get(f"/cases/new/{case.reference}/").content.decode()


@pytest.fixture
def monday_30_november():
    import time_machine

    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=HK), tick=False):
        yield


@pytest.mark.parametrize("name", ["TIME_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"])
def test_malay_times_are_on_the_24_hour_clock(name):
    """Django's Malay formats read 14:13 as "2:13 malam" (night)."""
    afternoon = MONDAY.replace(hour=14)
    with override("ms"):
        text = date_format(afternoon, name)
    assert "14:13" in text
    assert "malam" not in text and "p.m" not in text
