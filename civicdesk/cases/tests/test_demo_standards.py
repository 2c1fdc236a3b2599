"""The demo city's cases: a compliment is never on a breach list."""

import io

import pytest

from civicdesk.cases import demo
from civicdesk.cases.models import Case, ServiceStandard
from civicdesk.organisations.demo import load_organisations

pytestmark = pytest.mark.django_db


def test_every_demo_standard_leaves_compliments_without_a_reply_clock():
    for code, standards in demo.STANDARDS.items():
        for name, *_numbers, excluded in standards:
            assert "compliment" in excluded, f"{code} {name}"


def test_no_compliment_is_breached_after_the_demo(django_capture_on_commit_callbacks):
    # The organisations and the cases of the demo (`civicdesk demo` runs these two first).
    with django_capture_on_commit_callbacks(execute=True):
        load_organisations()
        demo.load(stdout=io.StringIO(), stderr=io.StringIO())
    assert all("compliment" in s.excluded_kinds for s in ServiceStandard.objects.all())
    compliments = Case.objects.filter(kind="compliment")
    assert compliments.exists()
    assert list(compliments.exclude(reply_due_at=None).values_list("reference", flat=True)) == []
    breached = compliments.filter(breached_at__isnull=False)
    assert list(breached.values_list("reference", flat=True)) == []
    assert Case.objects.filter(breached_at__isnull=False).exists()  # breaches are still marked
