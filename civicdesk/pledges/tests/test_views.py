"""Public pages, open data and staff pages over the test client."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.pledges.compute import recompute_pledge
from civicdesk.pledges.models import Pledge
from civicdesk.pledges.opendata import PLEDGE_COLUMNS, RESULT_COLUMNS
from civicdesk.pledges.tests.factories import make_pledge, make_ticket
from civicdesk.queues.tests.factories import ServiceFactory

HK = ZoneInfo("Asia/Hong_Kong")
NOW = datetime(2026, 10, 20, 12, tzinfo=HK)


@pytest.fixture
def city(agency, other_agency):
    with time_machine.travel(NOW, tick=False):
        pledges = []
        for a, waits in ((agency, [5, 10, 30]), (other_agency, [5, 5, 5, 50])):
            s1 = ServiceFactory(site=SiteFactory(agency=a, name=f"{a.code} North"), prefix="A")
            s2 = ServiceFactory(site=SiteFactory(agency=a, name=f"{a.code} South"), prefix="A")
            for day in (5, 6):
                for wait in waits:
                    make_ticket(service=s1, joined=datetime(2026, 9, day, 10, tzinfo=HK),
                                wait_minutes=wait, email="visitor@example.org")  # fmt: skip
                make_ticket(service=s2, joined=datetime(2026, 9, day, 10, tzinfo=HK),
                            wait_minutes=1)  # fmt: skip
            pledge = make_pledge(agency=a, metric="tickets_within", target=80, threshold=20)
            recompute_pledge(pledge)
            pledges.append(pledge)
        hidden = make_pledge(agency=agency, metric="csat", target=85, is_published=False)
        recompute_pledge(hidden)
        yield pledges, hidden


def test_agency_page_shows_target_achievement_trend_sites_and_peers(
    client, city, django_assert_max_num_queries
):
    (pledge, _other), hidden = city
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(10):
        response = client.get(reverse("pledges:agency", args=["hsg"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert pledge.sentence in html
    assert hidden.sentence not in html
    # September: 8 tickets at HSG, 6 within 20 minutes -> 75%, missed against 80%.
    assert "75.0%" in html and "Missed" in html
    assert "6 of 8 visitors were called in time." in html  # the count behind the 75% (h7)
    assert 'role="img"' in html and "<desc" in html  # the chart, described
    assert "HSG North" in html and "HSG South" in html  # sites compared
    assert "Agencies compared on the same measure" in html and "Agency TRN" not in html
    assert "Transport" in html
    assert "<script" not in html.split("</main>")[0].split("<main")[1]
    # A second request reads the cached page: only the stamp and the agency are queried.
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(3):
        assert client.get(reverse("pledges:agency", args=["hsg"])).content.decode() != ""


def test_city_page_compares_agencies(client, city):
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("pledges:city"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Housing" in html and "Transport" in html
    # TRN: 6 of 10 within 20 minutes -> 80%, met; listed first as the better one.
    assert html.index("Transport") < html.index("Housing", html.index("Agencies compared"))


def test_public_page_in_chinese(client, city):
    with time_machine.travel(NOW, tick=False):
        response = client.get(
            reverse("pledges:agency", args=["HSG"]), HTTP_ACCEPT_LANGUAGE="zh-hant"
        )
    assert response.status_code == 200
    assert '<html lang="zh-hant"' in response.content.decode()


def test_unknown_agency_is_404(client, db):
    assert client.get("/pledges/NOPE/").status_code == 404
    assert client.get("/pledges/open-data/NOPE/results.csv").status_code == 404


def test_open_data_csv_and_json(client, city):
    (pledge, other), hidden = city
    response = client.get("/pledges/open-data/results.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == RESULT_COLUMNS
    hsg = [
        r
        for r in rows
        if r["agency"] == "HSG" and r["site"] == "" and r["period_label"] == "2026-09"
    ]
    assert hsg == [
        {
            **hsg[0],
            "value": "75.0",
            "items": "8",
            "numerator": "6",
            "met": "false",
            "target": "80.0",
        }
    ]
    assert not [r for r in rows if r["pledge_id"] == str(hidden.pk)]
    data = client.get("/pledges/open-data/TRN/results.json").json()
    assert data["schema"] == "civicdesk-pledge-results/1"
    assert {r["agency"] for r in data["results"]} == {"TRN"}
    body = client.get("/pledges/open-data/results.json").content.decode()
    assert "visitor@example.org" not in body
    definitions = client.get("/pledges/open-data/pledges.json").json()
    assert definitions["columns"] == PLEDGE_COLUMNS
    assert {p["pledge_id"] for p in definitions["pledges"]} == {pledge.pk, other.pk}
    assert client.get("/pledges/open-data/").status_code == 200


def test_staff_read_only_roles_see_but_cannot_change(client, city):
    (pledge, _), _hidden = city
    frontline = StaffFactory(agency=pledge.agency, role=Role.FRONTLINE)
    client.force_login(frontline.user)
    assert client.get(reverse("pledges:manage")).status_code == 200
    assert client.get(reverse("pledges:staff_detail", args=[pledge.pk])).status_code == 200
    assert client.get(reverse("pledges:staff_new")).status_code == 403
    assert client.get(reverse("pledges:staff_edit", args=[pledge.pk])).status_code == 403


def test_other_agency_staff_cannot_see_a_pledge(client, city):
    (_pledge, other), _hidden = city
    qsm = StaffFactory(agency=city[0][0].agency, role=Role.QSM)
    client.force_login(qsm.user)
    assert client.get(reverse("pledges:staff_detail", args=[other.pk])).status_code == 404


def test_qsm_adds_a_pledge_with_errors_first(client, agency):
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    client.force_login(qsm.user)
    form = {"metric": "tickets_within", "target": "90", "period": "month", "is_published": "on"}
    response = client.post(reverse("pledges:staff_new"), form)
    assert response.status_code == 422
    assert "Enter the number of minutes." in response.content.decode()
    assert not Pledge.objects.exists()
    response = client.post(reverse("pledges:staff_new"), {**form, "threshold": "20",
                                                          "exclusions": ["no_show"]})  # fmt: skip
    pledge = Pledge.objects.get()
    assert response.status_code == 302
    assert (pledge.threshold, pledge.unit, pledge.clock_start, pledge.exclusions) == (
        20, "minutes", "joined", ["no_show"]
    )  # fmt: skip
    assert "within 20 minutes" in pledge.sentence
    assert AuditEntry.objects.filter(action="pledge.create").count() == 1
    response = client.post(reverse("pledges:staff_edit", args=[pledge.pk]), {"retire": "1"})
    pledge.refresh_from_db()
    assert (pledge.is_active, pledge.is_published) == (False, False)


def test_monthly_report_page_and_pdf(client, city):
    (pledge, _), _hidden = city
    qsm = StaffFactory(agency=pledge.agency, role=Role.QSM)
    client.force_login(qsm.user)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("pledges:staff_report") + "?month=2026-09").content.decode()
        assert "Pledges report for September 2026" in html
        assert "HSG North" in html  # the site that fell short
        pdf = client.get(reverse("pledges:staff_report") + "?month=2026-09&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_api_lists_creates_and_refuses(client, city):
    (pledge, other), hidden = city
    qsm = StaffFactory(agency=pledge.agency, role=Role.QSM)
    client.force_login(qsm.user)
    listed = client.get("/api/v1/pledges/").json()
    assert {p["id"] for p in listed} == {pledge.pk, hidden.pk}
    results = client.get(f"/api/v1/pledges/{pledge.pk}/results").json()
    assert {"label": "2026-09", "site": None, "value": 75.0, "items": 8}.items() <= results[
        0
    ].items()
    assert client.get(f"/api/v1/pledges/{other.pk}/results").status_code == 404
    bad = client.post("/api/v1/pledges/", {"metric": "tickets_within", "target": 90},
                      content_type="application/json")  # fmt: skip
    assert (bad.status_code, bad.json()["field"]) == (422, "threshold")
    made = client.post("/api/v1/pledges/", {"metric": "nps", "target": 20, "period": "quarter"},
                       content_type="application/json")  # fmt: skip
    assert made.status_code == 201 and made.json()["sentence"].startswith("Our Net Promoter")
    frontline = StaffFactory(agency=pledge.agency, role=Role.FRONTLINE)
    client.force_login(frontline.user)
    refused = client.post("/api/v1/pledges/", {"metric": "nps", "target": 20},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 403


def test_a_renamed_site_shows_on_the_cached_public_page_at_once(client, city):
    from civicdesk.organisations.models import Site

    url = reverse("pledges:agency", args=["hsg"])
    with time_machine.travel(NOW, tick=False):
        assert "HSG North" in client.get(url).content.decode()
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        site = Site.objects.get(name="HSG North")
        site.name = "Harbour North Centre"
        site.save()
        html = client.get(url).content.decode()
    assert "Harbour North Centre" in html and "HSG North" not in html
