"""The manager reads staffing advice, redeployment and team performance with sites and services
named in his language (they were in English on Chinese and Malay pages)."""

import pytest
from django.urls import reverse
from django.utils import translation

from civicdesk.insights.tests.factories import WEEK, rent_office
from civicdesk.insights.tests.test_performance_scenario import build
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.queues.models import Service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_back_to_default():
    """Pages asked for in Chinese or Malay leave that language active in the thread."""
    yield
    translation.deactivate()


def _chinese(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "zh-hant"
    return client


def test_staffing_pages_name_site_and_service_in_chinese(client, agency):
    agency.names = {"zh-hant": "房屋署"}
    agency.save()
    site = rent_office(agency, "North Office")
    site.names = {"zh-hant": "北區辦事處"}
    site.save()
    Service.objects.filter(site=site).update(names={"zh-hant": "租金"})
    qsm = _chinese(client, StaffFactory(agency=agency, role=Role.QSM).user)
    home = qsm.get(f"/staff/insights/?week={WEEK}").content.decode()
    assert "北區辦事處" in home and "房屋署" in home
    page = qsm.get(f"/staff/insights/sites/{site.pk}/?week={WEEK}").content.decode()
    assert "北區辦事處" in page
    assert "租金" in page  # the roster rows name the service


def test_performance_names_services_and_sites_in_malay(client, agency):
    scenario = build(agency)
    service = Service.objects.get(site__agency=agency, name="Quick matters")
    service.names = {"ms": "Urusan pantas"}
    service.save()
    service.site.names = {"ms": "Pusat Harbour"}
    service.site.save()
    client.force_login(scenario.qsm.user)
    client.cookies["django_language"] = "ms"
    page = client.get(
        reverse("insights:performance") + "?period=custom&date_from=2026-03-03&date_to=2026-03-03"
    ).content.decode()
    assert "Urusan pantas (Pusat Harbour)" in page


def test_a_service_filter_gives_no_hours_nor_served_per_hour(client, agency):
    """Hours at a counter cover every service an officer served: set against one service's
    visits they made 'served per hour' read far too low (0.5 for a 6-minute service), and
    against another site's service '0 served in 353 hours'."""
    scenario = build(agency)
    client.force_login(scenario.qsm.user)
    day = "?period=custom&date_from=2026-03-03&date_to=2026-03-03"
    everything = client.get(reverse("insights:performance") + day).context["report"]
    assert everything.total.hours  # hours are given without a service filter
    narrowed = client.get(
        reverse("insights:performance") + day + f"&service={scenario.service_a.pk}"
    ).context["report"]
    assert narrowed.total.served > 0
    rows = [narrowed.total, *narrowed.officers, *narrowed.teams, *narrowed.periods]
    assert all(row.hours is None and row.per_hour is None for row in rows)


@pytest.mark.parametrize("week", ["0001-W01", "1999-W52", "2100-W01"])
def test_a_week_far_from_today_is_refused_before_it_is_queued(client, agency, week):
    from civicdesk.insights.models import StaffingRun
    from civicdesk.organisations.tests.factories import SiteFactory

    site = SiteFactory(agency=agency)
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)
    assert client.get(f"/staff/insights/?week={week}").status_code == 400
    response = client.post(f"/staff/insights/sites/{site.pk}/request/", {"week": week})
    assert response.status_code == 400
    assert not StaffingRun.objects.filter(week=week).exists()


def test_a_move_accepted_in_chinese_is_named_in_chinese_but_audited_as_stored(agency):
    from django.utils import translation

    from civicdesk.audit.models import AuditEntry
    from civicdesk.insights import redeploy
    from civicdesk.insights.tests.factories import roster_short_here_spare_there

    north, south = rent_office(agency, "North Office"), rent_office(agency, "South Office")
    for site, name in ((north, "北區"), (south, "南區")):
        site.names = {"zh-hant": name}
        site.save()
    day = roster_short_here_spare_there(north, south)
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    with translation.override("zh-hant"):
        plan = redeploy.agency_plan(agency, WEEK)
        move = next(m for m in plan["moves"] if m["day"] == day and m["block"] == "am")
        assert (move["from_site"], move["to_site"]) == ("南區", "北區")
        redeploy.move_accept(actor=admin.user, agency=agency, week=WEEK, day=day, block="am",
                             from_service=move["from_service_id"],
                             to_service=move["to_service_id"], staff=move["staff"])  # fmt: skip
    entry = AuditEntry.objects.get(action="insights.redeploy_accepted")
    assert entry.data["from"] == "South Office: A Rent"
    assert entry.data["to"] == "North Office: A Rent"
