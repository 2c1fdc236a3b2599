"""A citizen who gave an email address but no name is not "Anonymous" on the staff case page
(the officer can write to them): the page says no name was given. A citizen who gave nothing
is anonymous."""

import pytest

from civicdesk.cases.services import case_create

pytestmark = pytest.mark.django_db


def _citizen_row(client, case) -> str:
    page = client.get(f"/cases/staff/{case.reference}/", HTTP_ACCEPT_LANGUAGE="en")
    return page.content.decode().split(">Citizen</dt>")[1].split("</dd>")[0]


def test_citizen_with_email_but_no_name_is_not_anonymous(client, monday, leak, qsm):
    client.force_login(qsm.user)
    with_email = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                             description="Bins overflowing", contact_email="a@example.org")  # fmt: skip
    row = _citizen_row(client, with_email)
    assert "No name given" in row and "a@example.org" in row
    assert "Anonymous" not in row
    nobody = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                         description="Bins overflowing again")  # fmt: skip
    assert "Anonymous" in _citizen_row(client, nobody)
