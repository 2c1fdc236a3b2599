"""The audit chain: entries link by hash; an edited or removed row is found by `audit verify`."""

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from civicdesk.audit.models import AppendOnlyError, AuditEntry
from civicdesk.audit.services import GENESIS, audit_record, audit_seal, audit_verify
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(agency):
    officer = StaffFactory(agency=agency, role=Role.QSM).user
    return [
        audit_record(actor=officer, action="case.reassign", target=agency, data={"n": i})
        for i in range(5)
    ]


@pytest.fixture
def sealed(entries):
    audit_seal()
    return list(AuditEntry.objects.order_by("seq"))


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_entries_are_sealed_into_a_chain(entries):
    assert all(e.seq is None for e in entries)  # written with the business rows, no lock
    assert audit_seal() == 5
    entries = list(AuditEntry.objects.order_by("id"))
    assert entries[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
        assert after.seq == before.seq + 1
    assert entries[1].actor_label.startswith("user")
    assert entries[1].agency is not None


def test_intact_chain_verifies(entries, capsys):
    result = audit_verify()  # seals the pending entries first
    last = AuditEntry.objects.order_by("-seq").first()
    assert result.ok and result.checked == 5 and result.head == last.hash
    call_command("audit", "verify")
    assert "intact: 5 entries" in capsys.readouterr().out


def test_edited_row_is_detected(sealed):
    _raw(f"UPDATE {AuditEntry._meta.db_table} SET action = %s WHERE seq = %s", ["case.close", 3])
    result = audit_verify()
    assert not result.ok
    assert result.problems == ["entry 3 was changed after it was written"]
    with pytest.raises(CommandError, match="NOT intact"):
        call_command("audit", "verify")


def test_edited_data_is_detected(sealed):
    _raw(f"UPDATE {AuditEntry._meta.db_table} SET data = %s WHERE seq = %s", ['{"n": 99}', 2])
    assert "entry 2 was changed after it was written" in audit_verify().problems


def test_deleted_row_is_detected(sealed):
    _raw(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = %s", [2])
    problems = audit_verify().problems
    assert "entries 2..2 are missing" in problems
    assert "entry 3 does not link to the entry before it" in problems


def test_removed_tail_is_detected_against_a_recorded_head(sealed):
    head = audit_verify().head
    _raw(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = %s", [5])
    assert audit_verify().ok  # the chain alone cannot see a cut tail...
    with pytest.raises(CommandError):  # ...but the head recorded elsewhere can
        call_command("audit", "verify", "--expect-head", head)


def test_rehashed_forgery_breaks_the_next_link(sealed):
    """Someone who edits a row and recomputes its hash still breaks the next entry's link."""
    from civicdesk.audit.services import compute_hash

    forged = AuditEntry.objects.get(seq=3)
    forged.action = "case.delete"
    new_hash = compute_hash(forged)
    _raw(
        f"UPDATE {AuditEntry._meta.db_table} SET action = %s, hash = %s WHERE seq = %s",
        ["case.delete", new_hash, 3],
    )
    assert audit_verify().problems == ["entry 4 does not link to the entry before it"]


def test_model_refuses_update_and_delete(sealed):
    entry = AuditEntry.objects.get(seq=1)
    entry.action = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_sign_in_is_audited(client, agency):
    from civicdesk.organisations.tests.factories import TEST_PASSWORD

    profile = StaffFactory(agency=agency)
    client.post("/staff/sign-in/", {"username": profile.user.username, "password": "wrong"})
    client.post(
        "/staff/sign-in/",
        {"username": profile.user.username, "password": TEST_PASSWORD},
        REMOTE_ADDR="10.1.2.3",
    )
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "ip"))
    assert actions == [("auth.sign_in_failed", "127.0.0.1"), ("auth.sign_in", "10.1.2.3")]
