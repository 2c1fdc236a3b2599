"""A real third-party client, `georeport` from PyPI, over real HTTP against a live server; the
spec's form-encoded POST sent with plain urllib."""

import json
import urllib.parse
import urllib.request

import pytest
from georeport import GeoReport

from civicdesk.open311.tests.conftest import KEY

pytestmark = pytest.mark.django_db(transaction=True)


def post_form(url: str, data: dict) -> tuple[int, object]:
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_georeport_lists_services_and_reads_requests(live_server, api_key, severity, floor,
                                                     output_format):  # fmt: skip
    root = f"{live_server.url}/open311/v2"
    client = GeoReport(root, jurisdiction="civicdesk", api_key=KEY, output_format=output_format)

    services = client.get_service_list()
    if isinstance(services, dict):  # xmltodict gives a lone element as a dict, not a list
        services = [services]
    assert [s["service_code"] for s in services] == ["HSG-leak"]
    definition = client.get_service_definition("HSG-leak")
    codes = [a["code"] for a in definition["attributes"]["attribute"]] if output_format == "xml" \
        else [a["code"] for a in definition["attributes"]]  # fmt: skip
    assert codes == ["floor", "severity"]

    status, created = post_form(f"{root}/requests.json", {
        "api_key": KEY, "jurisdiction_id": "civicdesk", "service_code": "HSG-leak",
        "lat": "22.28", "long": "114.16", "address_string": "Block 3, Harbour Estate",
        "description": "Water dripping from the ceiling", "attribute[severity]": "drip",
        "attribute[floor]": "7", "email": "mei@example.org",
    })  # fmt: skip
    assert status == 201, created
    reference = created[0]["service_request_id"]

    one = client.get_service_request(reference)
    assert one["service_request_id"] == reference
    assert one["status"] == "open"
    assert one["service_code"] == "HSG-leak"
    listed = client.get_service_requests(service_code="HSG-leak", status="open")
    if isinstance(listed, dict):
        listed = [listed]
    assert [r["service_request_id"] for r in listed] == [reference]
    by_id = client.get_service_requests(service_request_id=reference)
    by_id = [by_id] if isinstance(by_id, dict) else by_id
    assert by_id[0]["description"].startswith("Water dripping from the ceiling")


def test_plain_http_post_errors_use_the_spec_format(live_server, api_key, severity):
    status, errors = post_form(f"{live_server.url}/open311/v2/requests.json",
                               {"api_key": "wrong", "service_code": "HSG-leak"})  # fmt: skip
    assert (status, errors) == (403, [{"code": 403,
                                       "description": "api_key is missing or not valid."}])  # fmt: skip
