"""A training session is held while its site is open: a trainer scheduled "Service concepts" at
Lantern Bay (open Monday to Friday) on Sunday 20 December with no warning, and the demo put
sessions on a Saturday, on Christmas Day and on a Sunday at a site closed on Sundays."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from civicdesk.core.errors import ValidationFailed
from civicdesk.organisations import demo as city
from civicdesk.organisations.calendar import site_calendar
from civicdesk.organisations.models import Closure
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import (
    AgencyFactory,
    SiteFactory,
    StaffFactory,
    UserFactory,
)
from civicdesk.workforce import demo, services
from civicdesk.workforce.admin import TrainingSessionAdminForm
from civicdesk.workforce.models import TrainingSession
from civicdesk.workforce.opening import require_site_open

pytestmark = pytest.mark.django_db

ESTATE_HOURS = {str(d): [["09:00", "13:00"], ["14:00", "17:30"]] for d in range(5)}
MONDAY_14_DEC = "2026-12-14 08:00 +08:00"


@pytest.fixture
def lantern_bay(agency):
    site = SiteFactory(
        agency=agency, code="LBE", name="Lantern Bay Estate Office", opening_hours=ESTATE_HOURS
    )
    trainer = StaffFactory(agency=agency, role=Role.TRAINER)
    course = services.training_programme_create(
        actor=trainer.user, agency=agency, code="service-concepts", title="Service concepts"
    )
    return {"site": site, "trainer": trainer, "course": course}


def _post(client, world, day, starts, ends):
    return client.post(
        reverse("workforce:session_new"),
        {
            "training": world["course"].pk,
            "site": world["site"].pk,
            "trainer": world["trainer"].pk,
            "day": day,
            "starts": starts,
            "ends": ends,
            "capacity": "12",
        },
    )


def _field_errors(response, field):
    return " ".join(response.context["form"].errors.get(field, []))


@time_machine.travel(MONDAY_14_DEC, tick=False)
def test_form_refuses_a_sunday_and_says_when_the_site_is_open(client, lantern_bay):
    client.force_login(lantern_bay["trainer"].user)
    response = _post(client, lantern_bay, "2026-12-20", "14:00", "16:00")
    assert response.status_code == 422
    error = _field_errors(response, "day")
    assert "Lantern Bay Estate Office is closed on Sunday 20 December 2026" in error
    assert "Monday to Friday 09:00–13:00, 14:00–17:30" in error
    assert not TrainingSession.objects.exists()


@time_machine.travel(MONDAY_14_DEC, tick=False)
def test_form_refuses_a_public_holiday_by_name(client, lantern_bay):
    client.force_login(lantern_bay["trainer"].user)
    response = _post(client, lantern_bay, "2026-12-25", "09:30", "12:30")
    assert response.status_code == 422
    error = _field_errors(response, "day")
    assert "closed on Friday 25 December 2026" in error
    assert "Christmas Day" in error
    assert not TrainingSession.objects.exists()


@time_machine.travel(MONDAY_14_DEC, tick=False)
def test_form_refuses_a_closure_of_the_agency_or_the_site(client, agency, lantern_bay):
    Closure.objects.create(agency=agency, date="2026-12-22", reason="Staff day")
    Closure.objects.create(
        agency=agency, site=lantern_bay["site"], date="2026-12-23", reason="Office move"
    )
    client.force_login(lantern_bay["trainer"].user)
    response = _post(client, lantern_bay, "2026-12-22", "09:30", "12:30")
    assert response.status_code == 422
    assert "closed on Tuesday 22 December 2026: Staff day" in _field_errors(response, "day")
    response = _post(client, lantern_bay, "2026-12-23", "09:30", "12:30")
    assert "closed on Wednesday 23 December 2026: Office move" in _field_errors(response, "day")
    assert not TrainingSession.objects.exists()


@time_machine.travel(MONDAY_14_DEC, tick=False)
def test_form_refuses_times_outside_the_day_hours(client, lantern_bay):
    client.force_login(lantern_bay["trainer"].user)
    for starts, ends in [("08:00", "10:00"), ("16:00", "18:00"), ("08:30", "17:45")]:
        response = _post(client, lantern_bay, "2026-12-21", starts, ends)
        assert response.status_code == 422, (starts, ends)
        error = _field_errors(response, "starts")
        assert "On Monday 21 December 2026 Lantern Bay Estate Office is open" in error
        assert "09:00–13:00, 14:00–17:30" in error
    assert not TrainingSession.objects.exists()


@time_machine.travel(MONDAY_14_DEC, tick=False)
def test_form_accepts_a_session_inside_the_hours(client, lantern_bay):
    client.force_login(lantern_bay["trainer"].user)
    response = _post(client, lantern_bay, "2026-12-21", "14:00", "17:30")
    assert response.status_code == 302
    session = TrainingSession.objects.get()
    assert session.starts_at == datetime(2026, 12, 21, 6, 0, tzinfo=UTC)


@time_machine.travel(MONDAY_14_DEC, tick=False)
def test_a_full_day_course_may_run_through_the_lunch_break(client, lantern_bay):
    """Staff are at the office over the counters' lunch hour: a 09:00-17:30 course is fine."""
    client.force_login(lantern_bay["trainer"].user)
    response = _post(client, lantern_bay, "2026-12-21", "09:00", "17:30")
    assert response.status_code == 302
    assert TrainingSession.objects.get().starts_at == datetime(2026, 12, 21, 1, 0, tzinfo=UTC)


@time_machine.travel(MONDAY_14_DEC, tick=False)
def test_the_error_reads_in_the_trainer_language(client, lantern_bay):
    client.force_login(lantern_bay["trainer"].user)
    client.get("/language/zh-hant/?next=/")
    response = _post(client, lantern_bay, "2026-12-20", "14:00", "16:00")
    assert response.status_code == 422
    assert "星期日" in _field_errors(response, "day")


@time_machine.travel(MONDAY_14_DEC, tick=False)
def test_service_refuses_it_for_every_caller(lantern_bay):
    sunday = datetime(2026, 12, 20, 6, 0, tzinfo=UTC)
    with pytest.raises(ValidationFailed) as caught:
        services.training_session_schedule(
            actor=lantern_bay["trainer"].user,
            training=lantern_bay["course"],
            site=lantern_bay["site"],
            trainer=lantern_bay["trainer"],
            starts_at=sunday,
            ends_at=sunday + timedelta(hours=2),
            capacity=5,
        )
    assert caught.value.code == "site_closed"
    # An online session has no site that must be open.
    require_site_open(site=None, starts_at=sunday, ends_at=sunday + timedelta(hours=2))


@time_machine.travel(MONDAY_14_DEC, tick=False)
def test_admin_form_refuses_moving_a_session_to_a_closed_day(lantern_bay, agency):
    data = {
        "training": lantern_bay["course"].pk,
        "agency": agency.pk,
        "site": lantern_bay["site"].pk,
        "trainer": lantern_bay["trainer"].pk,
        "starts_at": "2026-12-20 14:00",
        "ends_at": "2026-12-20 16:00",
        "capacity": 12,
    }
    with translation.override("en"):
        form = TrainingSessionAdminForm(data=data)
        assert not form.is_valid()
        assert "closed on Sunday 20 December 2026" in " ".join(form.non_field_errors())
        form = TrainingSessionAdminForm(
            data={**data, "starts_at": "2026-12-21 14:00", "ends_at": "2026-12-21 16:00"}
        )
        assert form.is_valid(), form.errors


def _city_for_demo():
    """The agencies and pilot sites the workforce demo needs, with the city's real hours."""
    hours = {
        (a["code"], code): site_hours
        for a in city.AGENCIES
        for code, *_rest, site_hours in a["sites"]
    }
    roles = {"admin": Role.AGENCY_ADMIN, "lead": Role.TEAM_LEAD, "trainer": Role.TRAINER}
    roles |= {"exec": Role.EXECUTIVE, "qsm": Role.QSM}
    for code, site_codes in demo.PILOT_SITES.items():
        agency = AgencyFactory(code=code)
        sites = [
            SiteFactory(agency=agency, code=c, opening_hours=hours[(code, c)]) for c in site_codes
        ]
        staff = {
            key: StaffFactory(
                agency=agency, role=role, user=UserFactory(username=f"{code.lower()}.{key}")
            )
            for key, role in roles.items()
        }
        for n in range(2):
            StaffFactory(
                agency=agency,
                role=Role.FRONTLINE,
                sites=sites[n : n + 2],
                supervisor=staff["lead"],
                user=UserFactory(username=f"{code.lower()}.frontline{n or ''}"),
            )


# Loaded on Friday 18 December the demo used to put the sessions coming up on Christmas Day,
# Sunday 27 December and Tuesday 29 December at 09:30, and the past ones 20 days back.
@pytest.mark.parametrize("moment", ["2026-12-18 10:00 +08:00", "2026-12-12 23:30 +08:00"])
def test_demo_sessions_fall_on_open_days_within_hours(moment):
    with time_machine.travel(moment, tick=False):
        _city_for_demo()
        hsg = AgencyFactory._meta.model.objects.get(code="HSG")
        Closure.objects.create(agency=hsg, date="2026-12-28", reason="Staff day")
        demo.load(stdout=io.StringIO(), stderr=io.StringIO())
    sessions = TrainingSession.objects.select_related("site")
    assert sessions.count() == 2 * sum(len(codes) for codes in demo.PILOT_SITES.values())
    assert sessions.filter(starts_at__lt=datetime.fromisoformat(moment)).exists()
    for session in sessions:
        calendar = site_calendar(session.site)
        length = session.ends_at - session.starts_at
        assert calendar.working_time_between(session.starts_at, session.ends_at) == length, (
            session.site.code,
            session.starts_at.astimezone(calendar.tz),
        )
