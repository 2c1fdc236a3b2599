"""The programme report, read by every officer in the programme, never shows an average that
covers fewer than three people: that would be a colleague's own rating."""

from datetime import date

import pytest
import time_machine

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.workforce import services
from civicdesk.workforce.report import MIN_PEOPLE, programme_report, render_report_html
from civicdesk.workforce.tests.factories import promulgated_profile, ratings_for, team

pytestmark = pytest.mark.django_db


def test_site_and_period_averages_need_three_people(agency):
    site, lead, officer, colleague = team(agency)
    profile = promulgated_profile(agency)
    programme = services.pilot_programme_create(actor=None, agency=agency, name="Pilot",
                                                starts_on=date(2026, 9, 1),
                                                ends_on=date(2027, 2, 28), sites=[site])  # fmt: skip
    with time_machine.travel("2026-11-10 09:00 +08:00", tick=False):
        for person, value in ((officer, 4), (colleague, 2)):
            services.assessment_submit(actor=person.user, subject=person,
                                       ratings=ratings_for(profile, value))  # fmt: skip
        services.assessment_submit(actor=lead.user, subject=officer,
                                   ratings=ratings_for(profile, 1))  # fmt: skip
        two = programme_report(programme)
        html = render_report_html(programme)
    cell = two["sites"][0]["assessment"]
    assert (cell["self"], cell["supervisor"]) == (None, None)
    assert cell["few"] == {"self": True, "supervisor": True}
    assert two["assessments"]["periods"][0]["pilot_self"] is None
    assert "too few people" in html and f"at least {MIN_PEOPLE} people" in html
    assert ">1.0<" not in html and ">4.0<" not in html  # nobody's own rating, in any cell

    third = StaffFactory(agency=agency, role=Role.FRONTLINE, sites=[site], supervisor=lead)
    with time_machine.travel("2026-11-11 09:00 +08:00", tick=False):
        services.assessment_submit(actor=third.user, subject=third,
                                   ratings=ratings_for(profile, 3))  # fmt: skip
        three = programme_report(programme)
    cell = three["sites"][0]["assessment"]
    assert cell["self"] == 3.0 and cell["few"]["self"] is False
    assert cell["supervisor"] is None and cell["few"]["supervisor"] is True
    assert three["assessments"]["periods"][0]["pilot_self"] == 3.0
