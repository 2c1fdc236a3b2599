import io

import pytest

from civicdesk.organisations.demo import load_organisations
from civicdesk.routing import demo
from civicdesk.routing.models import ModelVersion
from civicdesk.routing.suggestions import routing_suggest

pytestmark = pytest.mark.django_db


def test_demo_trains_each_agency_and_the_front_door_once():
    load_organisations()
    out = io.StringIO()
    demo.load(stdout=out, stderr=io.StringIO())
    assert ModelVersion.objects.filter(agency__code="HSG").count() == 2
    assert ModelVersion.objects.filter(agency__isnull=True, is_active=True).count() == 1
    for code in ("HSG", "TRN", "ENV"):
        serving = ModelVersion.objects.get(agency__code=code, is_active=True)
        assert serving.evaluation["top1"] >= 0.7
    count = ModelVersion.objects.count()
    again = io.StringIO()
    demo.load(stdout=again, stderr=io.StringIO())
    assert ModelVersion.objects.count() == count
    assert again.getvalue() == ""
    from civicdesk.organisations.models import Agency

    suggestion = routing_suggest(agency=None, text="有棵樹倒在行人路上")
    assert suggestion.candidates[0].code == "ENV"
    hsg = Agency.objects.get(code="HSG")
    assert routing_suggest(agency=hsg, text="The lift has broken down again").top.code == "MAINT"
