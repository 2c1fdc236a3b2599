"""Journey 7: the staffing plan must respect the site's counters. Harbour Central has 3 counters,
yet the plan put 9 staff on duty at once, the list said "Peak counters needed 7" and still
"Intervals short 0" and 100% covered. Staff without a counter serve nobody; a need beyond the
counters is a shortfall the manager sees."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from civicdesk.insights import redeploy
from civicdesk.insights.counters import seat_interval
from civicdesk.insights.models import PlannedStaffing, StaffingRun
from civicdesk.insights.staffing import run_apply_plan
from civicdesk.insights.tests.factories import WEEK, rent_office
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.queues.tests.factories import CounterFactory

pytestmark = pytest.mark.django_db


def test_no_more_staff_are_seated_than_the_counters_that_call_their_service():
    counters = [[1, 3], [1, 2], [2, 3]]  # as the demo's: 1 calls A and C, 2 A and B, 3 B and C
    seated, room = seat_interval(counters, {1: 4, 2: 3, 3: 2}, {1: 2, 2: 3, 3: 2})
    assert sum(seated.values()) == 3
    assert seated[1] <= 2 and seated[2] <= 2 and seated[3] <= 2
    assert all(n == 0 for n in room.values())  # full: nobody more can come


def test_the_needed_staff_get_the_counters_before_the_spare_ones():
    counters = [[1, 2], [1, 2]]
    seated, room = seat_interval(counters, {1: 2, 2: 1}, {1: 1, 2: 1})
    assert seated == {1: 1, 2: 1}  # not both for service 1, which needs one
    seated, room = seat_interval(counters, {1: 1, 2: 0}, {1: 1, 2: 2})
    assert seated == {1: 1, 2: 0} and room == {1: 0, 2: 1}


def _three_counters_needing_seven(agency):
    """A site whose one service has 3 counters, with every interval of the first day needing 7
    and 9 planned, as at Harbour Central on Monday at 08:30."""
    site = rent_office(agency, "Harbour Central")
    service = site.services.get()
    for name in ("Extra 2", "Extra 3"):
        CounterFactory(site=site, name=name, services=[service])
    run = StaffingRun.objects.get(site=site, week=WEEK)
    day = run.result["days"][0]
    tz = ZoneInfo(site.timezone)
    for row in run.result["rows"]:
        if row["day"] == day:
            row.update(required=7, erlang=7)
            PlannedStaffing.objects.create(
                site=site,
                service=service,
                starts_at=datetime.fromisoformat(f"{day}T{row['time']}").replace(tzinfo=tz),
                staff=9,
            )
    run.save(update_fields=["result"])
    run_apply_plan(run)
    run.refresh_from_db()
    return site, run, day


def test_a_need_beyond_the_counters_is_short_not_covered(agency):
    _site, run, day = _three_counters_needing_seven(agency)
    rows = [r for r in run.result["rows"] if r["day"] == day]
    assert rows
    for row in rows:
        assert (row["planned"], row["on_counters"], row["counters"]) == (9, 3, 3)
        assert row["gap"] == -4 and row["room"] == 0
    assert len(run.result["counters"]) == 3


def test_the_pages_say_the_plan_is_short_and_why(client, agency):
    site, run, day = _three_counters_needing_seven(agency)
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)
    html = client.get(f"/staff/insights/sites/{site.pk}/?week={WEEK}&day={day}").content.decode()
    roster = html[html.index('id="roster"') :]
    assert "Short by 4 (4 beyond the counters)" in roster
    assert "Covered" not in roster and "Spare" not in roster
    assert "(6 without a counter)" in roster
    assert 'data-testid="counters"' in html and "The site has 3 counters" in html
    coverage = html[
        html.index('id="coverage-table"') : html.index(
            "</table>", html.index('id="coverage-table"')
        )
    ]
    shorts = re.findall(r"numeric\">(\d+) / (\d+)</td>", coverage)
    assert shorts[0][0] == shorts[0][1] != "0"  # the first day: every interval short
    home = client.get(f"/staff/insights/?week={WEEK}").content.decode()
    assert f'data-testid="peak-counters-{site.pk}">(site has 3)' in home
    row = home[home.index("Harbour Central") :]
    short, _planned = re.search(r"numeric\">(\d+) / (\d+)</td>", row).groups()
    assert int(short) >= len([r for r in run.result["rows"] if r["day"] == day])


def test_no_move_is_suggested_into_a_site_whose_counters_are_full(agency):
    site, run, day = _three_counters_needing_seven(agency)
    spare = rent_office(agency, "Spare Office")
    tz = ZoneInfo(spare.timezone)
    for row in run.result["rows"]:
        if row["day"] == day:
            PlannedStaffing.objects.create(
                site=spare,
                service=spare.services.get(),
                starts_at=datetime.fromisoformat(f"{day}T{row['time']}").replace(tzinfo=tz),
                staff=9,
            )
    run_apply_plan(StaffingRun.objects.get(site=spare, week=WEEK))
    plan = redeploy.agency_plan(agency, WEEK)
    assert not [m for m in plan["moves"] if m["to_site_id"] == site.pk]


def test_a_move_fills_a_free_counter_and_no_more(agency, offices):
    """North plans nobody on its one counter, South 9 on its one: one officer moves, not more
    than North's counter seats, and South's staff without a counter count as spare."""
    plan = redeploy.agency_plan(agency, WEEK)
    into_north = [m for m in plan["moves"] if m["to_site_id"] == offices["north"].pk]
    assert into_north and all(m["staff"] == 1 for m in into_north)
    assert all(m["from_site_id"] == offices["south"].pk for m in into_north)
