"""A citizen told that their case moved reads the receiving agency's name in their language."""

import pytest

from civicdesk.cases.services import case_create, case_transfer
from civicdesk.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_transfer_notice_names_the_new_agency_in_the_citizens_language(
    monday, leak, qsm, other_agency
):
    other_agency.names = {"zh-hant": "海港城環境局"}
    other_agency.save()
    case = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="屋邨有樹倒下，擋住行人路。", contact_email="lee@example.org",
                       language="zh-hant")  # fmt: skip
    case_transfer(case=case, actor=qsm.user, to_agency=other_agency, reason="Trees are theirs")
    notice = OutboxMessage.objects.filter(to="lee@example.org").latest("pk")
    assert "海港城環境局" in notice.subject and "海港城環境局" in notice.body
    assert other_agency.name not in notice.body
