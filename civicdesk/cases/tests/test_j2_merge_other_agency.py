"""A QSM who types, as the case to merge into, a case her agency sent to another agency (she
can still read it) is told it is with that agency and what to do, not "Your role does not
allow this"; nothing is merged."""

import pytest

from civicdesk.cases.models import Case
from civicdesk.cases.services import case_create, case_transfer
from civicdesk.organisations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_merging_into_a_case_sent_away_explains_the_transfer(client, monday, leak, qsm):
    env = AgencyFactory(code="ENV", name="Environment Agency")
    mine = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="Tree fell on the path", contact_email="a@example.org")  # fmt: skip
    theirs = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                         description="Tree down by block 3", contact_email="b@example.org")  # fmt: skip
    case_transfer(case=theirs, actor=qsm.user, to_agency=env, reason="Trees are theirs")
    client.force_login(qsm.user)
    response = client.post(f"/cases/staff/{mine.reference}/merge/", {"into": theirs.reference},
                           HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert response.status_code == 422
    page = response.content.decode()
    assert f"{theirs.reference} is with Environment Agency" in page
    assert "Transfer this case to Environment Agency" in page
    assert "Your role does not allow this" not in page
    assert Case.objects.get(pk=mine.pk).merged_into_id is None
