"""The programme report gives every assessment average with two decimals, so that a column
reads 2.99, 2.80, 3.00 rather than 2.99, 2.8, 3."""

import re
from datetime import date

import pytest
import time_machine
from django.utils import translation

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.workforce import services
from civicdesk.workforce.report import render_report_html
from civicdesk.workforce.tests.factories import promulgated_profile, ratings_for, team

pytestmark = pytest.mark.django_db


def test_assessment_averages_have_two_decimals(agency):
    site, lead, officer, colleague = team(agency)
    third = StaffFactory(agency=agency, role=Role.FRONTLINE, sites=[site], supervisor=lead)
    profile = promulgated_profile(agency)
    programme = services.pilot_programme_create(actor=None, agency=agency, name="Pilot",
                                                starts_on=date(2026, 9, 1),
                                                ends_on=date(2027, 2, 28), sites=[site])  # fmt: skip
    with time_machine.travel("2026-11-10 09:00 +08:00", tick=False):
        for person in (officer, colleague, third):
            services.assessment_submit(actor=person.user, subject=person,
                                       ratings=ratings_for(profile, 3))  # fmt: skip
        with translation.override("en"):
            html = render_report_html(programme)
    cells = re.findall(r'govuk-table__cell--numeric">([^<]*)</td>', html)
    assert "3.00" in cells
    assert "3" not in cells and "3.0" not in cells
