import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from civicdesk.cases.tests.conftest import MONDAY_10, leak, maintenance, monday, officer  # noqa: F401
from civicdesk.open311.models import Datatype
from civicdesk.open311.tests.factories import ApiKeyFactory, ServiceAttributeFactory

SCHEMAS = Path("/work/shared/open311-schemas")
KEY = "test-open311-key"


def _registry() -> Registry:
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT7))
        for path in SCHEMAS.glob("*.json")
        if path.name != "swagger.json"
    ]
    return Registry().with_resources(resources)


@pytest.fixture(scope="session")
def schema():
    """schema("requests.json").validate(data): the community JSON schemas, $refs resolved."""
    registry = _registry()

    def validator(name: str) -> Draft7Validator:
        return Draft7Validator(json.loads((SCHEMAS / name).read_text()), registry=registry,
                               format_checker=Draft7Validator.FORMAT_CHECKER)  # fmt: skip

    return validator


@pytest.fixture
def api_key(db):
    return ApiKeyFactory(name="FixMyStreet", key=KEY)


@pytest.fixture
def severity(leak):  # noqa: F811
    return ServiceAttributeFactory(
        category=leak,
        code="severity",
        datatype=Datatype.SINGLEVALUELIST,
        required=True,
        order=2,
        description="How bad is the leak?",
        values=[{"key": "drip", "name": "Dripping"}, {"key": "flood", "name": "Flooding"}],
    )


@pytest.fixture
def floor(leak):  # noqa: F811
    return ServiceAttributeFactory(category=leak, code="floor", datatype=Datatype.NUMBER, order=1,
                                   description="Which floor?")  # fmt: skip


def post_request(client, fmt="json", headers=None, **data):
    payload = {"api_key": KEY, "service_code": "HSG-leak", "lat": "22.3", "long": "114.17",
               "description": "Water through the ceiling", "attribute[severity]": "drip"}  # fmt: skip
    payload.update(data)
    payload = {k: v for k, v in payload.items() if v is not None}
    return client.post(f"/open311/v2/requests.{fmt}", payload, headers=headers or {})
