import io

import pytest
from django.core.management import CommandError, call_command

from civicdesk.audit.models import AuditEntry
from civicdesk.open311.models import ApiKey
from civicdesk.open311.tests.conftest import post_request

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("open311_key", *args, stdout=out)
    return out.getvalue().strip()


def test_create_list_revoke(client, severity):
    key = run("create", "FixMyStreet", "--agency", "hsg")
    api_key = ApiKey.objects.get()
    assert api_key.key_hash != key and len(key) >= 40  # only the hash is stored
    assert api_key.agency.code == "HSG"
    assert post_request(client, api_key=key).status_code == 201
    assert f"{api_key.pk}\tFixMyStreet\tHSG\t{key[:6]}…\tactive" in run("list")
    run("revoke", str(api_key.pk))
    assert post_request(client, api_key=key).status_code == 403
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "open311.key_create", "case.create", "open311.key_revoke",
    ]  # fmt: skip


def test_refuses_unknown_agency_and_a_repeated_key(db):
    with pytest.raises(CommandError):
        run("create", "x", "--agency", "NOPE")
    run("create", "x", "--key", "same")
    with pytest.raises(CommandError):
        run("create", "y", "--key", "same")
