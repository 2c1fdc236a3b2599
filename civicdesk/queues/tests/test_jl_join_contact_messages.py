"""The join form's contact fields say what to do when too long, in the citizen's words, not
Django's generic "ensure this value has at most N characters" (whose Malay reads garbled)."""

import pytest
from django.utils import translation

from civicdesk.queues.forms import JoinForm

pytestmark = pytest.mark.django_db


def _errors(service, **data):
    form = JoinForm({"service": str(service.id), "lane": "normal", **data}, services=[service])
    assert not form.is_valid()
    return form.errors


def test_an_overlong_phone_number_gets_one_plain_message(service):
    errors = _errors(service, phone="+852 " + "9" * 100)
    assert errors["phone"] == ["Enter a mobile number like +852 9123 4567."]


def test_an_overlong_email_address_says_its_limit_in_malay(service):
    with translation.override("ms"):
        errors = _errors(service, email="x" * 300 + "@example.com")
        assert errors["email"] == ["Alamat e-mel anda mestilah 254 aksara atau kurang."]


def test_the_booking_form_says_an_overlong_phone_mistake_once(service):
    from civicdesk.queues.forms import PersonForm

    form = PersonForm({"name": "Wei", "email": "wei@example.org", "phone": "+" + "9" * 30})
    assert not form.is_valid()
    assert form.errors["phone"] == ["Enter a mobile number like +852 9123 4567."]
