"""Officers away: who may record them, what assignment does with them, the page."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.cases.models import OfficerAbsence
from civicdesk.cases.services import absence_add, absence_remove, absences_visible, case_create
from civicdesk.cases.tests.factories import CategoryFactory
from civicdesk.core.errors import Conflict, NotAllowed, ValidationFailed
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import DepartmentFactory, StaffFactory

pytestmark = pytest.mark.django_db

HK = ZoneInfo("Asia/Hong_Kong")
MONDAY = date(2026, 11, 30)


@pytest.fixture
def team(agency):
    roads = DepartmentFactory(agency=agency, code="ROADS", name="Roads")
    parks = DepartmentFactory(agency=agency, code="PARKS", name="Parks")
    lead = StaffFactory(agency=agency, role=Role.TEAM_LEAD, departments=[roads])
    ann = StaffFactory(agency=agency, role=Role.FRONTLINE, departments=[roads],
                       display_name="Ann")  # fmt: skip
    bob = StaffFactory(agency=agency, role=Role.FRONTLINE, departments=[roads],
                       display_name="Bob")  # fmt: skip
    pat = StaffFactory(agency=agency, role=Role.FRONTLINE, departments=[parks],
                       display_name="Pat")  # fmt: skip
    return {"roads": roads, "parks": parks, "lead": lead, "ann": ann, "bob": bob, "pat": pat}


def test_team_lead_records_an_absence_and_assignment_skips_that_officer(agency, team):
    absence = absence_add(actor=team["lead"].user, staff=team["ann"], starts_on=MONDAY,
                          ends_on=MONDAY + timedelta(days=4), reason="Leave")  # fmt: skip
    entry = AuditEntry.objects.get(action="cases.absence_add")
    assert entry.actor_id == team["lead"].user.pk and entry.data["staff"] == team["ann"].pk
    pothole = CategoryFactory(agency=agency, department=team["roads"])
    at = datetime(2026, 12, 1, 10, tzinfo=HK)  # Tuesday, inside the absence
    given = {
        case_create(
            agency=agency,
            category=pothole,
            kind="complaint",
            channel="web",
            description=f"Pothole {i}",
            received_at=at,
        ).assignee_id
        for i in range(4)
    }
    assert team["ann"].pk not in given
    assert given <= {team["bob"].pk, team["lead"].pk}
    # After the last day she takes cases again.
    absence_remove(actor=team["lead"].user, absence=absence)
    assert not OfficerAbsence.objects.exists()
    assert AuditEntry.objects.filter(action="cases.absence_remove").count() == 1
    later = [
        case_create(
            agency=agency,
            category=pothole,
            kind="complaint",
            channel="web",
            description=f"Crack {i}",
            received_at=at,
        ).assignee_id
        for i in range(3)
    ]
    assert team["ann"].pk in later


def test_an_officer_records_only_their_own_and_a_lead_only_their_units(team):
    absence_add(actor=team["ann"].user, staff=team["ann"], starts_on=MONDAY, ends_on=MONDAY)
    with pytest.raises(NotAllowed):
        absence_add(actor=team["ann"].user, staff=team["bob"], starts_on=MONDAY, ends_on=MONDAY)
    with pytest.raises(NotAllowed):  # Pat works in Parks, not in the lead's Roads
        absence_add(actor=team["lead"].user, staff=team["pat"], starts_on=MONDAY, ends_on=MONDAY)
    assert OfficerAbsence.objects.count() == 1


def test_an_officer_in_another_agency_is_out_of_reach(team, other_agency):
    stranger = StaffFactory(agency=other_agency, role=Role.QSM)
    absence_add(actor=team["lead"].user, staff=team["bob"], starts_on=MONDAY, ends_on=MONDAY)
    assert list(absences_visible(stranger.user, today=MONDAY)) == []
    with pytest.raises(NotAllowed):
        absence_add(actor=stranger.user, staff=team["bob"], starts_on=MONDAY, ends_on=MONDAY)


def test_bad_dates_and_overlaps_are_refused_and_nothing_is_written(team):
    lead, ann = team["lead"].user, team["ann"]
    with pytest.raises(ValidationFailed, match="before the first day"):
        absence_add(actor=lead, staff=ann, starts_on=MONDAY, ends_on=MONDAY - timedelta(days=1))
    with pytest.raises(ValidationFailed, match="366 days"):
        absence_add(actor=lead, staff=ann, starts_on=MONDAY, ends_on=MONDAY + timedelta(days=400))
    absence_add(actor=lead, staff=ann, starts_on=MONDAY, ends_on=MONDAY + timedelta(days=2))
    with pytest.raises(Conflict, match="already recorded as away"):
        absence_add(actor=lead, staff=ann, starts_on=MONDAY + timedelta(days=2),
                    ends_on=MONDAY + timedelta(days=5))  # fmt: skip
    assert OfficerAbsence.objects.count() == 1
    assert AuditEntry.objects.filter(action="cases.absence_add").count() == 1


def test_the_page_lists_records_and_removes_with_form_errors_a_person_can_act_on(client, team):
    client.force_login(team["lead"].user)
    page = client.get("/cases/staff/absences/")
    assert page.status_code == 200
    assert "Nobody is recorded as away." in page.text
    options = page.text.split('name="staff"')[1].split("</select>")[0]
    assert "Ann" in options and "Bob" in options and "Pat" not in options
    refused = client.post("/cases/staff/absences/", {"staff": team["ann"].pk,
                                                     "starts_on": "2026-12-10",
                                                     "ends_on": "2026-12-01"})  # fmt: skip
    assert refused.status_code == 200
    assert "The last day cannot be before the first day." in refused.text
    assert not OfficerAbsence.objects.exists()
    done = client.post("/cases/staff/absences/", {"staff": team["ann"].pk,
                                                  "starts_on": "2026-12-01",
                                                  "ends_on": "2026-12-03", "reason": "Training"})  # fmt: skip
    assert done.status_code == 302
    absence = OfficerAbsence.objects.get()
    assert (absence.staff_id, absence.reason) == (team["ann"].pk, "Training")
    listed = client.get("/cases/staff/absences/")
    assert "Training" in listed.text and "2026-12-03" in listed.text
    # Pat is not the lead's: choosing Pat by hand-editing the form is refused, not a crash.
    forged = client.post("/cases/staff/absences/", {"staff": team["pat"].pk,
                                                    "starts_on": "2026-12-01",
                                                    "ends_on": "2026-12-01"})  # fmt: skip
    assert forged.status_code == 200 and OfficerAbsence.objects.count() == 1
    gone = client.post(f"/cases/staff/absences/{absence.pk}/remove/")
    assert gone.status_code == 302 and not OfficerAbsence.objects.exists()


def test_an_officer_cannot_remove_a_colleagues_absence(client, team):
    absence = absence_add(actor=team["lead"].user, staff=team["bob"], starts_on=MONDAY,
                          ends_on=MONDAY)  # fmt: skip
    client.force_login(team["ann"].user)
    page = client.get("/cases/staff/absences/")
    assert "Bob" not in page.text  # her own only
    client.post(f"/cases/staff/absences/{absence.pk}/remove/")
    assert OfficerAbsence.objects.filter(pk=absence.pk).exists()


def test_a_qsm_reads_the_agencys_absences_but_records_none(client, agency, team):
    absence_add(actor=team["lead"].user, staff=team["bob"], starts_on=MONDAY, ends_on=MONDAY)
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    client.force_login(qsm.user)
    page = client.get("/cases/staff/absences/")
    assert page.status_code == 200 and "Bob" in page.text
    assert "Record an absence" not in page.text
    forged = client.post("/cases/staff/absences/", {"staff": team["ann"].pk,
                                                    "starts_on": "2026-12-01",
                                                    "ends_on": "2026-12-01"})  # fmt: skip
    assert forged.status_code == 200 and OfficerAbsence.objects.count() == 1


def test_an_absence_counts_in_the_agencys_days_not_utcs(agency, team):
    """07:00 on Monday in Hong Kong is still Sunday in UTC: Monday's absence must apply."""
    absence_add(actor=team["lead"].user, staff=team["ann"], starts_on=MONDAY, ends_on=MONDAY)
    absence_add(actor=team["lead"].user, staff=team["bob"], starts_on=MONDAY, ends_on=MONDAY)
    pothole = CategoryFactory(agency=agency, department=team["roads"])
    early = datetime(2026, 11, 30, 7, tzinfo=HK)
    case = case_create(agency=agency, category=pothole, kind="complaint", channel="web",
                       description="Early pothole", received_at=early)  # fmt: skip
    assert case.assignee_id == team["lead"].pk
