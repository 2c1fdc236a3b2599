"""Journey 7: "where the plan is short, with the simulated service level beside it". The roster
showed the level at the required number and with one fewer, but not with the plan itself: for a
plan two or more short (or with spare staff) nothing said what it would give."""

import re

import pytest

from civicdesk.insights.models import StaffingRun
from civicdesk.insights.tests.factories import WEEK, rent_office
from civicdesk.insights.views.staffing import _plan_level
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory


def _row(planned, required=4, level=0.91, one_fewer=0.62):
    return {
        "planned": planned,
        "gap": None if planned is None else planned - required,
        "simulated_level": level,
        "simulated_one_fewer": one_fewer,
    }


@pytest.mark.parametrize(
    ("planned", "shown"),
    [
        (None, "–"),
        (4, "91.0%"),
        (3, "62.0%"),
        (2, "below 62.0%"),
        (0, "0.0%"),
        (6, "at least 91.0%"),
    ],
)
def test_the_level_with_the_plan(planned, shown):
    assert _plan_level(_row(planned)) == shown


@pytest.mark.django_db
def test_the_roster_shows_it_beside_each_row(client, agency):
    office = rent_office(agency, "North Office")
    run = StaffingRun.objects.get(site=office, week=WEEK)
    day = run.result["days"][0]
    rows = [r for r in run.result["rows"] if r["day"] == day]
    assert rows
    for row in rows:
        row.update(required=5, erlang=5, **_row(3, required=5))
    run.save(update_fields=["result"])
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)
    html = client.get(f"/staff/insights/sites/{office.pk}/?week={WEEK}&day={day}").content.decode()
    cells = re.findall(r'data-testid="plan-level">([^<]*)<', html)
    assert cells == ["below 62.0%"] * len(rows)
