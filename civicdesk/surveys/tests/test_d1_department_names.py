"""Survey results broken down by department name each department in the reader's language, as
sites are, in the rows and in the filter that narrows to one (they were always English)."""

import pytest
from django.urls import reverse
from django.utils import translation

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import DepartmentFactory, StaffFactory
from civicdesk.surveys import selectors
from civicdesk.surveys.models import Response
from civicdesk.surveys.tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(agency):
    rent = DepartmentFactory(
        agency=agency,
        name="Rent and Payments",
        names={"zh-hant": "租金及繳費組", "zh-hans": "租金及缴费组", "ms": "Sewa dan Bayaran"},
    )
    parking = DepartmentFactory(agency=agency, name="Parking")  # no other names
    for department, score in ((rent, 5), (rent, 4), (parking, 2)):
        ResponseFactory(agency=agency, department=department, csat=score, nps=9, ces=6)
    return rent, parking


def _get(client, agency, language, **params):
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)
    client.cookies["django_language"] = language
    return client.get(reverse("surveys:results"), params)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hant", "租金及繳費組"), ("zh-hans", "租金及缴费组"), ("ms", "Sewa dan Bayaran")],
)
def test_results_by_department_in_the_readers_language(
    client, agency, answered, language, expected
):
    html = _get(client, agency, language, group_by="department").content.decode()
    assert expected in html and "Rent and Payments" not in html
    assert "Parking" in html  # no name in the language: the English one


def test_department_filter_is_named_in_the_readers_language(client, agency, answered):
    rent, _parking = answered
    page = _get(client, agency, "zh-hant", group_by="officer", department=rent.pk)
    assert [name for _label, name in page.context["active_filters"]] == ["租金及繳費組"]


def test_selector_rows_fall_back_to_the_english_name(agency, answered):
    with translation.override("zh-hant"):
        rows = selectors.scores_by(Response.objects.all(), "department")
    assert sorted(row.label for row in rows) == sorted(["租金及繳費組", "Parking"])
