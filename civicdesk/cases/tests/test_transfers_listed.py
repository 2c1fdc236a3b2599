"""The staff case page listed transfers as "2 Mar: HSG → TRN": no time (two moves on one day
could not be told apart) and codes a new officer has to decode. It now gives the time and the
agencies' names in the reader's language."""

import pytest
from django.conf import settings

from civicdesk.cases.services import case_create, case_transfer
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_transfers_give_the_time_and_the_agencies_names(client, monday, leak, qsm, other_agency):
    other_agency.names = {"zh-hant": "運輸署"}
    other_agency.save()
    case = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="A tree fell on the path.")  # fmt: skip
    case_transfer(case=case, actor=qsm.user, to_agency=other_agency, reason="Roads are theirs")
    client.force_login(StaffFactory(agency=other_agency, role=Role.QSM).user)
    page = client.get(f"/cases/staff/{case.reference}/").content.decode()
    assert "2 Mar 10:00: Housing → Transport. Roads are theirs" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    page = client.get(f"/cases/staff/{case.reference}/").content.decode()
    assert "3月2日 10:00: Housing → 運輸署." in page
