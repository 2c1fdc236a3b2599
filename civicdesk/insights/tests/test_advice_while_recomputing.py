"""Asking for advice again does not take the advice away: until the new one is computed, the
site page, its CSV, the overview and the redeployment plan keep the earlier advice, and say so."""

import pytest

from civicdesk.insights import redeploy, staffing
from civicdesk.insights.models import RunStatus, StaffingRun
from civicdesk.insights.tests.factories import WEEK, rent_office
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_the_earlier_advice_stays_while_new_advice_is_computed(client, agency):
    north, south = rent_office(agency, "North Office"), rent_office(agency, "South Office")
    plan_before = redeploy.agency_plan(agency, WEEK)
    staffing.run_request(site=north, week=WEEK)  # "Compute again"
    run = StaffingRun.objects.get(site=north, week=WEEK)
    assert run.status == RunStatus.PENDING and run.result

    qsm = StaffFactory(agency=agency, role=Role.QSM)
    client.force_login(qsm.user)
    page = client.get(f"/staff/insights/sites/{north.pk}/?week={WEEK}").content.decode()
    assert "new advice is computed in the background" in page
    assert 'id="demand-table"' in page  # the earlier advice, still shown
    csv = client.get(f"/staff/insights/sites/{north.pk}/staffing.csv?week={WEEK}")
    assert csv.status_code == 200 and b"forecast_arrivals" in csv.content
    assert redeploy.agency_plan(agency, WEEK)["moves"] == plan_before["moves"]
    overview = client.get(f"/staff/insights/?week={WEEK}").content.decode()
    assert overview.count("North Office") >= 1 and "South Office" in overview
    assert south  # both sites keep their advice


def test_no_advice_yet_still_says_it_is_being_computed(client, agency):
    office = rent_office(agency, "East Office", advice=False)
    staffing.run_request(site=office, week=WEEK)
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    client.force_login(qsm.user)
    page = client.get(f"/staff/insights/sites/{office.pk}/?week={WEEK}").content.decode()
    assert "Reload this page to see it" in page and 'id="demand-table"' not in page
    assert (
        client.get(f"/staff/insights/sites/{office.pk}/staffing.csv?week={WEEK}").status_code == 404
    )


def test_a_move_waits_while_its_sites_advice_is_computed_again(client, agency):
    """The new advice, computed from the roster as it was, would overwrite the move's effect:
    the move is refused with the reason until the advice is ready, and the plan says so."""
    from civicdesk.core.errors import Conflict
    from civicdesk.insights.tests.factories import roster_short_here_spare_there

    north, south = rent_office(agency, "North Office"), rent_office(agency, "South Office")
    day = roster_short_here_spare_there(north, south)
    move = next(m for m in redeploy.agency_plan(agency, WEEK)["moves"] if m["day"] == day)
    staffing.run_request(site=north, week=WEEK)
    plan = redeploy.agency_plan(agency, WEEK)
    assert plan["recomputing"] == ["North Office"]
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    args = {"day": move["day"], "block": move["block"], "from_service": move["from_service_id"],
            "to_service": move["to_service_id"], "staff": 1}  # fmt: skip
    with pytest.raises(Conflict) as refused:
        redeploy.move_accept(actor=admin.user, agency=agency, week=WEEK, **args)
    assert "being computed again" in refused.value.message
    StaffingRun.objects.filter(site=north).update(status=RunStatus.DONE)
    assert redeploy.move_accept(actor=admin.user, agency=agency, week=WEEK, **args)["staff"] == 1
