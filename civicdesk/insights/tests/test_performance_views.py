"""The performance page: who may open it, what each role sees, CSV, audit, bad input."""

import csv
import io

import pytest
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.insights.tests.test_performance_scenario import build
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
URL = reverse("insights:performance")
DAY = "?period=custom&date_from=2026-03-03&date_to=2026-03-03"


@pytest.fixture
def scenario(agency):
    return build(agency)


def get(client, user, query=DAY):
    client.force_login(user)
    return client.get(URL + query)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/staff/sign-in/" in response["Location"]


def test_roles_without_the_performance_area_get_403(client, scenario):
    response = get(client, scenario.trainer.user)
    assert response.status_code == 403
    assert b"Bob Officer" not in response.content


def test_a_manager_sees_every_officer_with_the_figures(client, scenario):
    response = get(client, scenario.qsm.user)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Alice Officer" in page and "Bob Officer" in page
    officers = {row.label: row for row in response.context["report"].officers}
    assert officers["Bob Officer"].case_mix_index == pytest.approx(1740 / 1560)
    assert 'data-metric="index">1.12<' in page  # Bob
    assert 'data-metric="index">0.84<' in page  # Alice
    assert "Case-mix index by day" in page and "<svg" in page


def test_an_officer_sees_only_themself(client, scenario):
    response = get(client, scenario.alice.user)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Alice Officer" in page
    assert "Bob Officer" not in page
    assert "By team" not in page
    # Asking for a colleague by id is refused as an invalid choice, not answered.
    response = get(client, scenario.alice.user, DAY + f"&officer={scenario.bob.pk}")
    assert response.status_code == 422
    assert b"Bob Officer" not in response.content


def test_a_team_lead_sees_only_their_team(client, scenario):
    response = get(client, scenario.lead.user)
    page = response.content.decode()
    assert "Alice Officer" in page and "Bob Officer" not in page
    assert "Team Two" not in page
    response = get(client, scenario.lead.user, DAY + f"&team={scenario.team_two.pk}")
    assert response.status_code == 422


def test_another_agency_never_sees_these_officers(client, scenario, other_agency):
    stranger = StaffFactory(agency=other_agency, role=Role.QSM)
    for query in (DAY, DAY + f"&agency={scenario.agency.pk}", DAY + f"&site={scenario.site.pk}"):
        response = get(client, stranger.user, query)
        assert response.status_code in (200, 422)
        assert b"Alice Officer" not in response.content
        assert b"Harbour Central" not in response.content


def test_every_view_and_download_is_audited(client, scenario):
    get(client, scenario.qsm.user)
    entry = AuditEntry.objects.filter(action="performance.view").get()
    assert entry.actor_id == scenario.qsm.user.pk
    assert entry.agency_id == scenario.agency.pk
    assert sorted(entry.data["officers_shown"]) == sorted([scenario.alice.pk, scenario.bob.pk])
    assert entry.data["from"] == "2026-03-03"
    get(client, scenario.alice.user, DAY + "&download=officers")
    entry = AuditEntry.objects.filter(action="performance.export").get()
    assert entry.data["officers_shown"] == [scenario.alice.pk]
    assert entry.data["table"] == "officers"


def test_csv_has_the_same_figures(client, scenario):
    response = get(client, scenario.qsm.user, DAY + "&download=officers")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_name = {row["officer"]: row for row in rows}
    assert set(by_name) == {"Alice Officer", "Bob Officer"}
    bob = by_name["Bob Officer"]
    assert bob["visits_served"] == "3"
    assert float(bob["mean_service_minutes"]) == pytest.approx(580 / 60, abs=0.005)
    assert float(bob["p90_service_minutes"]) == pytest.approx(1032 / 60, abs=0.005)
    assert float(bob["case_mix_index"]) == pytest.approx(1.115, abs=0.0005)
    assert bob["transferred"] == "1" and bob["cases_replied_in_time"] == "0"
    for table in ("teams", "services", "periods"):
        response = get(client, scenario.qsm.user, DAY + f"&download={table}")
        assert response.status_code == 200
        assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) >= 2


def test_week_and_month_periods(client, scenario):
    response = get(client, scenario.qsm.user, "?period=week&on=2026-03-05")
    assert (response.context["date_from"].isoformat(), response.context["date_to"].isoformat()) == (
        "2026-03-02", "2026-03-08",
    )  # fmt: skip
    assert response.context["report"].total.served == 6
    response = get(client, scenario.qsm.user, "?period=month&on=2026-03-05")
    assert response.context["date_to"].isoformat() == "2026-03-31"
    assert response.context["report"].bucket == "week"


def test_bad_dates_are_a_422_with_the_message(client, scenario):
    response = get(
        client, scenario.qsm.user, "?period=custom&date_from=2026-03-05&date_to=2026-03-01"
    )
    assert response.status_code == 422
    assert b"The end date must be on or after the start date." in response.content
    response = get(
        client, scenario.qsm.user, "?period=custom&date_from=2024-01-01&date_to=2026-03-01"
    )
    assert response.status_code == 422
    response = get(client, scenario.qsm.user, "?period=custom&date_from=nonsense")
    assert response.status_code == 422


def test_the_page_reads_in_a_bounded_number_of_queries(
    client, scenario, django_assert_max_num_queries
):
    client.force_login(scenario.qsm.user)
    with django_assert_max_num_queries(45):
        client.get(URL + DAY)
