"""Two open cases from one email or phone are flagged as possible duplicates only when they are
about the same thing: the same category, or similar text (the similarity the flag uses for
cases at one address). A citizen writing twice about different things has two cases."""

import pytest

from civicdesk.cases.services import case_create
from civicdesk.cases.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rent(agency, maintenance):
    return CategoryFactory(agency=agency, code="rent", name="Rent", department=maintenance)


def _case(leak, text, category=None, **contact):
    return case_create(agency=leak.agency, category=category, kind="complaint", channel="web",
                       description=text, **contact)  # fmt: skip


def test_same_email_different_matter_and_category_is_not_a_duplicate(monday, leak, rent):
    _case(leak, "Water is leaking through the kitchen ceiling", leak, contact_email="a@x.org")
    other = _case(leak, "My rent statement shows the wrong amount for November", rent,
                  contact_email="A@x.org")  # fmt: skip
    assert other.possible_duplicate_of_id is None


def test_same_phone_different_matter_without_category_is_not_a_duplicate(monday, leak):
    _case(leak, "Water is leaking through the kitchen ceiling", contact_phone="+852 9123 4567")
    other = _case(leak, "Thank you to the officer who helped my mother at the counter",
                  contact_phone="+852 9123 4567")  # fmt: skip
    assert other.possible_duplicate_of_id is None


def test_same_email_similar_text_is_a_duplicate_whatever_the_category(monday, leak, rent):
    first = _case(leak, "Water is leaking through the kitchen ceiling", leak,
                  contact_email="a@x.org")  # fmt: skip
    again = _case(leak, "Water still leaking through my kitchen ceiling", rent,
                  contact_email="a@x.org")  # fmt: skip
    assert again.possible_duplicate_of_id == first.pk


def test_same_email_same_category_is_a_duplicate(monday, leak):
    first = _case(leak, "Water is leaking through the kitchen ceiling", leak,
                  contact_email="a@x.org")  # fmt: skip
    again = _case(leak, "Dripping again, now in the bathroom too", leak, contact_email="a@x.org")
    assert again.possible_duplicate_of_id == first.pk


def test_the_matching_case_is_found_past_an_unrelated_one(monday, leak, rent):
    _case(leak, "My rent statement shows the wrong amount for November", rent,
          contact_email="a@x.org")  # fmt: skip
    leak_case = _case(leak, "Water is leaking through the kitchen ceiling", leak,
                      contact_email="a@x.org")  # fmt: skip
    again = _case(leak, "Water is still leaking through the kitchen ceiling", leak,
                  contact_email="a@x.org")  # fmt: skip
    assert again.possible_duplicate_of_id == leak_case.pk
