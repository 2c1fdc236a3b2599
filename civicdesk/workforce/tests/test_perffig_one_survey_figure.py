"""The pilot programme report's survey table said "NPS before -20.4" while the sentence under it
said "NPS rose from -20.9 to -9.5", and "+2.9" beside 54.6% -> 57.6%: the table counted the
before-window from the middle of its first day and the sentence from its midnight, with the other
agencies' sites as the comparison; and the change was the unrounded difference. Both now come
from one sample of answers, the figures shown to one decimal and the change their difference."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.surveys.tests.factories import ResponseFactory
from civicdesk.workforce import services
from civicdesk.workforce.report import programme_survey_comparison, render_report_html

pytestmark = pytest.mark.django_db
HK = ZoneInfo("Asia/Hong_Kong")
TODAY = "2026-03-31 12:00 +08:00"


def _answers(agency, site, when, pairs):
    for csat, nps in pairs:
        ResponseFactory(agency=agency, site=site, csat=csat, nps=nps, answered_at=when)


def test_the_sentence_says_the_figures_the_table_shows(agency, settings):
    settings.TIME_ZONE = "Asia/Hong_Kong"
    pilot, other = SiteFactory(agency=agency), SiteFactory(agency=agency)
    made = services.pilot_programme_create(
        actor=None, agency=agency, name="P", starts_on=date(2026, 1, 1),
        ends_on=date(2026, 6, 30), sites=[pilot],
    )  # fmt: skip
    # Before: 18 of 33 satisfied (54.5%), after 19 of 33 (57.6%): the shown change is +3.1
    # (57.6 - 54.5), the unrounded one +3.0.
    before = datetime(2025, 12, 10, 9, 0, tzinfo=HK)
    after = datetime(2026, 2, 10, 9, 0, tzinfo=HK)
    _answers(agency, pilot, before, [(4, 10)] * 18 + [(2, 0)] * 15)
    _answers(agency, pilot, after, [(4, 10)] * 19 + [(2, 8)] * 14)
    # The first morning of the before-window (the table left it out, the sentence did not).
    _answers(agency, pilot, datetime(2025, 10, 3, 8, 0, tzinfo=HK), [(1, 0)] * 6)
    _answers(agency, other, before, [(3, 7)] * 40)
    _answers(agency, other, after, [(3, 7)] * 40)
    with time_machine.travel(TODAY, tick=False):
        result = programme_survey_comparison(made)
        html = render_report_html(made)
    assert result["windows"]["before"][0] == date(2025, 10, 3)
    row = result["rows"][0]
    assert row["group"] == "pilot"
    assert row["before"] == {"responses": 39, "csat": 46.2, "nps": -7.7}  # 18 of 39; 18 - 21
    assert row["after"] == {"responses": 33, "csat": 57.6, "nps": 57.6}  # 19 of 33; 19 - 0
    csat, nps = result["tests"]
    assert "CSAT rose from 46.2 to 57.6 (+11.4)." in csat["explanation"]
    assert "NPS rose from -7.7 to 57.6 (+65.3)." in nps["explanation"]
    # Against the other sites (0% and NPS 0 in both windows, as the table's other row shows).
    assert "the difference is +11.4 " in csat["explanation"]
    assert result["rows"][1]["before"] == result["rows"][1]["after"]
    assert "46.2%" in html and "CSAT rose from 46.2 to 57.6 (+11.4)." in html


def test_the_change_is_the_difference_of_the_shown_figures(agency, settings):
    settings.TIME_ZONE = "Asia/Hong_Kong"
    pilot = SiteFactory(agency=agency)
    made = services.pilot_programme_create(
        actor=None, agency=agency, name="P", starts_on=date(2026, 1, 1),
        ends_on=date(2026, 6, 30), sites=[pilot],
    )  # fmt: skip
    _answers(agency, pilot, datetime(2025, 12, 10, 9, tzinfo=HK), [(4, 9)] * 18 + [(2, 7)] * 15)
    _answers(agency, pilot, datetime(2026, 2, 10, 9, tzinfo=HK), [(4, 9)] * 19 + [(2, 7)] * 14)
    with time_machine.travel(TODAY, tick=False):
        result = programme_survey_comparison(made)
    row = result["rows"][0]
    assert (row["before"]["csat"], row["after"]["csat"]) == (54.5, 57.6)
    # 57.5758 - 54.5455 = 3.03 would read "+3.0" beside a table whose figures differ by 3.1.
    assert "CSAT rose from 54.5 to 57.6 (+3.1)." in result["tests"][0]["explanation"]
