"""Each open-data CSV has a copy for Excel (`?excel=1`): the same bytes led by a UTF-8 byte
order mark, so that Excel shows Chinese names instead of garbled symbols. The documented file
stays without one, for programs; the pages link both."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.pledges.compute import recompute_pledge
from civicdesk.pledges.tests.factories import make_pledge, make_ticket
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

HK = ZoneInfo("Asia/Hong_Kong")
NOW = datetime(2026, 10, 20, 12, tzinfo=HK)
BOM = b"\xef\xbb\xbf"


@pytest.fixture
def published(agency):
    with time_machine.travel(NOW, tick=False):
        service = ServiceFactory(site=SiteFactory(agency=agency, name="North"), prefix="A")
        for wait in (5, 10, 30):
            make_ticket(service=service, joined=datetime(2026, 9, 7, 10, tzinfo=HK),
                        wait_minutes=wait)  # fmt: skip
        recompute_pledge(
            make_pledge(agency=agency, metric="tickets_within", target=80, threshold=20)
        )
    return agency


def _get(client, path, **query):
    with time_machine.travel(NOW, tick=False):
        return client.get(path, query, HTTP_ACCEPT_LANGUAGE="zh-hant")


def _csv_paths(agency):
    return [
        "/pledges/open-data/results.csv",
        "/pledges/open-data/pledges.csv",
        f"/pledges/open-data/{agency.code}/results.csv",
        f"/pledges/open-data/{agency.code}/pledges.csv",
    ]


def test_the_excel_copy_is_the_same_bytes_after_a_bom(client, published):
    for path in _csv_paths(published):
        plain = _get(client, path)
        excel = _get(client, path, excel="1")
        assert plain.status_code == excel.status_code == 200
        assert not plain.content.startswith(BOM), path
        assert plain.content.startswith(b"pledge_id,") or plain.content.startswith(b"agency,")
        assert excel.content == BOM + plain.content, path
        assert excel["Content-Type"] == plain["Content-Type"] == "text/csv; charset=utf-8"
        assert excel["Content-Disposition"].endswith('-excel.csv"')
        assert not plain["Content-Disposition"].endswith('-excel.csv"')
        # Asked in the other order, neither is served from the other's cache.
        assert _get(client, path).content == plain.content


def test_chinese_survives_the_round_trip_as_excel_reads_it(client, published):
    excel = _get(client, f"/pledges/open-data/{published.code}/pledges.csv", excel="1")
    text = excel.content.decode("utf-8-sig")
    assert not text.startswith("\ufeff")
    assert "服務承諾" in text or "訪客" in text or "分鐘" in text, text[:300]
    assert text.splitlines()[0].startswith("pledge_id,agency,metric")


def test_json_is_unchanged_by_the_excel_switch(client, published):
    plain = _get(client, "/pledges/open-data/results.json")
    asked = _get(client, "/pledges/open-data/results.json", excel="1")
    assert asked.content.startswith(b"{") and asked.content == plain.content


def test_the_pages_link_each_csv_for_excel(client, published):
    code = published.code
    with time_machine.travel(NOW, tick=False):
        open_data = client.get("/pledges/open-data/").content.decode()
        agency_page = client.get(f"/pledges/{code}/").content.decode()
    for path in _csv_paths(published):
        assert f'href="{path}?excel=1"' in open_data
    assert "results.csv for Excel</a>" in open_data
    assert f"{code}/pledges.csv for Excel</a>" in open_data
    assert f'href="/pledges/open-data/{code}/results.csv?excel=1">Results (CSV for Excel)</a>' in (
        agency_page
    )
    assert (
        f'href="/pledges/open-data/{code}/pledges.csv?excel=1">Pledge definitions (CSV for Excel)'
        in agency_page
    )
