"""Journey 9: "customer survey scores before and after at the pilot sites against the rest". The
report gave the four scores but not whether the change was more than chance, nor more than the
trend at the other sites (the design asks for significance). It now says both, in the words of
the surveys evaluation page."""

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


@pytest.fixture
def programme(agency):
    pilot, other = SiteFactory(agency=agency), SiteFactory(agency=agency)
    made = services.pilot_programme_create(
        actor=None,
        agency=agency,
        name="P",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 6, 30),
        sites=[pilot],
    )
    return made, pilot, other


def _answers(agency, site, day, csats, nps=8):
    for n, csat in enumerate(csats):
        ResponseFactory(agency=agency, site=site, csat=csat, nps=nps,
                        answered_at=datetime(*day, 9, n % 60, tzinfo=HK))  # fmt: skip


def test_a_real_rise_beyond_the_trend_is_said_so(agency, programme):
    made, pilot, other = programme
    _answers(agency, pilot, (2025, 12, 10), [3, 4] * 40)  # 50% satisfied before
    _answers(agency, pilot, (2026, 2, 10), [5, 5, 5, 4, 3] * 16)  # 80% after
    _answers(agency, other, (2025, 12, 10), [3, 4] * 40)  # the rest: no change
    _answers(agency, other, (2026, 2, 10), [3, 4] * 40)
    with time_machine.travel(TODAY, tick=False):
        result = programme_survey_comparison(made)
    csat, nps = result["tests"]
    assert (csat["metric"], nps["metric"]) == ("csat", "nps")
    assert csat["verdict"] == "significant"
    assert "CSAT rose from 50.0 to 80.0 (+30.0)." in csat["explanation"]
    assert "less than 1 time in 20" in csat["explanation"]
    assert "so the change is more than the general trend" in csat["explanation"]
    assert nps["verdict"] == "not_significant"  # every NPS answer was 8, before and after


def test_too_few_answers_are_said_so_and_the_report_shows_it(agency, programme):
    made, pilot, _other = programme
    _answers(agency, pilot, (2025, 12, 10), [3, 4])
    _answers(agency, pilot, (2026, 2, 10), [5, 5])
    with time_machine.travel(TODAY, tick=False):
        result = programme_survey_comparison(made)
        html = render_report_html(made)
    assert result["tests"][0]["verdict"] == "too_few"
    assert "Too few answers to say: CSAT had 2 answers before and 2 after" in html
    assert 'data-testid="survey-tests"' in html
