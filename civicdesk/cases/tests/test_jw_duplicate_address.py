"""Two residents report the same broken lift on the web form, which asks for an address and
no coordinates: the second is flagged as a possible duplicate of the first (journey 6)."""

import pytest

from civicdesk.cases.services import case_create

pytestmark = pytest.mark.django_db


def _report(leak, email, text, address):
    return case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description=text, address=address, contact_email=email)  # fmt: skip


def test_same_address_and_similar_text_is_a_possible_duplicate(monday, leak):
    first = _report(leak, "a1@example.org", "Lift in Block B has been broken for two days",
                    "Block B, Lantern Bay Estate")  # fmt: skip
    second = _report(leak, "a2@example.org", "Lift in Block B broken for two days now",
                     "  block b, Lantern Bay Estate ")  # fmt: skip
    assert second.possible_duplicate_of_id == first.pk


def test_same_address_but_different_matter_is_not(monday, leak):
    _report(leak, "a1@example.org", "Lift in Block B has been broken for two days",
            "Block B, Lantern Bay Estate")  # fmt: skip
    other = _report(leak, "a3@example.org", "Rent statement shows a wrong amount for November",
                    "Block B, Lantern Bay Estate")  # fmt: skip
    assert other.possible_duplicate_of_id is None


def test_different_address_is_not(monday, leak):
    _report(leak, "a1@example.org", "Lift in Block B has been broken for two days",
            "Block B, Lantern Bay Estate")  # fmt: skip
    other = _report(leak, "a4@example.org", "Lift in Block B has been broken for two days",
                    "Block B, Rainbow Estate")  # fmt: skip
    assert other.possible_duplicate_of_id is None
