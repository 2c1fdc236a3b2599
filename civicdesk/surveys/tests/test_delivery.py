"""Invitation email through a real SMTP server; a double submit from two threads counts once."""

import threading
from email import message_from_bytes

import pytest
from django.db import connection, transaction

from civicdesk.organisations.tests.factories import AgencyFactory, SiteFactory
from civicdesk.surveys import services
from civicdesk.surveys.errors import InvitationUsed
from civicdesk.surveys.models import Answer, Response

pytestmark = pytest.mark.django_db(transaction=True)


def test_invitation_email_arrives_with_the_link_and_nothing_personal_in_it(smtp, settings):
    settings.CIVICDESK_PUBLIC_URL = "https://feedback.harbour.example"
    agency = AgencyFactory(code="HSG", name="Harbour City Housing Authority")
    with transaction.atomic():
        invitation = services.survey_invite(
            agency=agency,
            site=SiteFactory(agency=agency),
            contact_email="mrs.chan@example.org",
            language="en",
        )
    assert len(smtp.messages) == 1
    email = message_from_bytes(smtp.messages[0].as_bytes())
    assert email["To"] == "mrs.chan@example.org"
    assert "Harbour City Housing Authority" in email["Subject"]
    body = email.get_payload(decode=True).decode()
    link = f"https://feedback.harbour.example/s/{invitation.token}/"
    assert link in body
    assert "chan" not in link


def test_two_simultaneous_submits_store_one_response(agency):
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite's in-memory test database is shared-cache and reports 'table is locked' "
            "across threads; a file database serialises writers with IMMEDIATE transactions."
        )
    invitation = services.survey_invite(agency=agency)
    results, barrier = [], threading.Barrier(2)

    def submit(score):
        try:
            barrier.wait(timeout=5)
            services.response_submit(token=invitation.token, answers={"satisfied": score})
            results.append("stored")
        except InvitationUsed:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(s,)) for s in ("5", "1")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["refused", "stored"]
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 1
