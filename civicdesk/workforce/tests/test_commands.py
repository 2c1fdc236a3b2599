"""`civicdesk report programme` refuses bad input (the report of the demo city: core/tests/test_demo.py)."""

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_report_command_refuses_unknown_programme_and_suffix(tmp_path):
    with pytest.raises(CommandError, match="No programme with id 999"):
        call_command("report", "programme", "--id", "999", "--output", str(tmp_path / "r.pdf"))
    with pytest.raises(CommandError, match=r"\.pdf or \.html"):
        call_command("report", "programme", "--id", "1", "--output", str(tmp_path / "r.docx"))
    assert list(tmp_path.iterdir()) == []
