from io import StringIO

import pytest
from django.core.management import call_command

from civicdesk.cases.models import Case, CaseMessage, CaseStatus, CaseTransfer, IntakeChannel

pytestmark = pytest.mark.django_db


def test_demo_has_history_across_channels_and_statuses_and_is_idempotent():
    call_command("demo", stdout=StringIO(), stderr=StringIO())
    count, messages = Case.objects.count(), CaseMessage.objects.count()
    assert count > 100
    assert set(Case.objects.values_list("channel", flat=True)) == set(IntakeChannel.values)
    assert set(Case.objects.values_list("status", flat=True)) >= {
        CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED, CaseStatus.CLOSED,
        CaseStatus.AWAITING_CITIZEN,
    }  # fmt: skip
    assert Case.objects.filter(breached_at__isnull=False).exists()
    assert Case.objects.filter(merged_into__isnull=False).exists()
    assert CaseTransfer.objects.filter(case__transfer_count__gt=2).exists()
    assert (
        Case.objects.filter(language="zh-hant").exists()
        and Case.objects.filter(language="en").exists()
    )
    call_command("demo", stdout=StringIO(), stderr=StringIO())
    assert (Case.objects.count(), CaseMessage.objects.count()) == (count, messages)
