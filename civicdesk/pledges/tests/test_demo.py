import io

from civicdesk.pledges import demo
from civicdesk.pledges.models import PeriodResult, Pledge


def test_demo_is_idempotent(agency, other_agency):
    demo.load(stdout=io.StringIO(), stderr=io.StringIO())
    made = list(Pledge.objects.values_list("pk", "agency__code", "metric"))
    assert len(made) == len(demo.PLEDGES["HSG"]) + len(demo.PLEDGES["TRN"])
    assert PeriodResult.objects.filter(site__isnull=True).count() == len(made)
    out = io.StringIO()
    demo.load(stdout=out, stderr=io.StringIO())
    assert list(Pledge.objects.values_list("pk", "agency__code", "metric")) == made
    assert out.getvalue() == ""
