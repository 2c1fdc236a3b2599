"""The routing suggestion on the case page and the try page names a department (or an agency,
at the front door) in the reader's language; `name`, which the API returns, stays English."""

import pytest
from django.utils import translation

from civicdesk.organisations.tests.factories import AgencyFactory, DepartmentFactory
from civicdesk.routing.suggestions import _destinations

pytestmark = pytest.mark.django_db


def test_destinations_carry_the_local_name_beside_the_english(agency):
    rent = DepartmentFactory(agency=agency, code="RENT", name="Rent", names={"zh-hant": "租金組"})
    DepartmentFactory(agency=agency, code="PARK", name="Parking")
    with translation.override("zh-hant"):
        places = _destinations(agency, ["RENT", "PARK"])
    assert places["RENT"] == ("Rent", rent.pk, agency.pk, "租金組")
    assert places["PARK"][0] == places["PARK"][3] == "Parking"


def test_front_door_agencies_carry_the_local_name(agency):
    AgencyFactory(code="ENV", name="Environment", names={"ms": "Alam Sekitar"})
    with translation.override("ms"):
        places = _destinations(None, ["ENV"])
    assert places["ENV"][0] == "Environment" and places["ENV"][3] == "Alam Sekitar"
