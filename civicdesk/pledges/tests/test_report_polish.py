"""The monthly report lists only categories that fell short; a pledge's channel is chosen from
the channels civicdesk knows and read back in words."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from civicdesk.cases.tests.factories import CategoryFactory
from civicdesk.pledges.forms import PledgeForm
from civicdesk.pledges.report import _worst_categories
from civicdesk.pledges.sentences import channel_label
from civicdesk.pledges.tests.factories import make_case, make_pledge

pytestmark = pytest.mark.django_db
HK = ZoneInfo("Asia/Hong_Kong")


def test_only_categories_with_a_late_case_are_where_we_fell_short(agency):
    with time_machine.travel(datetime(2026, 11, 3, 12, tzinfo=HK), tick=False):
        late, prompt = (CategoryFactory(agency=agency, name=n) for n in ("Lifts", "Refuse"))
        received, due = datetime(2026, 10, 6, 9, tzinfo=HK), datetime(2026, 10, 20, 17, tzinfo=HK)
        make_case(agency=agency, category=late, received=received, reply_due_at=due)
        for _ in range(3):
            make_case(agency=agency, category=prompt, received=received, reply_due_at=due,
                      replied_at=datetime(2026, 10, 7, 9, tzinfo=HK))  # fmt: skip
        found = _worst_categories(agency, datetime(2026, 10, 1).date(),
                                  datetime(2026, 10, 31).date())  # fmt: skip
    assert [c["name"] for c in found["worst_categories"]] == ["Lifts"]
    assert found["categories_measured"] == 2


def test_pledge_channel_is_a_known_channel_and_reads_as_words(agency):
    base = {"metric": "cases_reply_within", "target": "90", "period": "month"}
    refused = PledgeForm({**base, "channel": "webb"}, agency=agency)
    assert not refused.is_valid() and "channel" in refused.errors
    accepted = PledgeForm({**base, "channel": "kiosk"}, agency=agency)
    accepted.is_valid()
    assert "channel" not in accepted.errors
    pledge = make_pledge(agency=agency, metric="cases_reply_within", target=90, channel="web")
    assert "made by web form" in pledge.sentence
    with translation.override("zh-hant"):
        assert channel_label("web") != "web form"


def test_a_quarterly_pledge_is_judged_on_its_quarter_so_far(agency):
    from datetime import date

    from civicdesk.organisations.tests.factories import SiteFactory
    from civicdesk.pledges.compute import recompute_pledge
    from civicdesk.pledges.report import build_monthly
    from civicdesk.pledges.tests.factories import make_ticket
    from civicdesk.queues.tests.factories import ServiceFactory

    with time_machine.travel(datetime(2026, 12, 3, 12, tzinfo=HK), tick=False):
        service = ServiceFactory(site=SiteFactory(agency=agency, name="Slow Street"), prefix="A")
        for day, wait in ((6, 5), (7, 5)):  # October: called within 20 minutes
            make_ticket(service=service, joined=datetime(2026, 10, day, 10, tzinfo=HK),
                        wait_minutes=wait)  # fmt: skip
        make_ticket(service=service, joined=datetime(2026, 11, 9, 10, tzinfo=HK), wait_minutes=40)
        recompute_pledge(make_pledge(agency=agency, metric="tickets_within", target=60,
                                     threshold=20, period="quarter"))  # fmt: skip
        report = build_monthly(agency, date(2026, 11, 1))
    (line,) = report["lines"]
    assert line["trend"][-1].value == 0.0 and line["trend"][-1].met is False  # November alone
    assert round(line["this"].value, 1) == 66.7 and line["this"].count == 3
    assert line["this"].met is True and line["this"].label == "Q4 2026 so far"
    # On track over the quarter so far, not "met this month": the quarter is not over.
    assert report["on_track"] == [line] and report["met"] == []
    assert report["worst_sites"] == []


def test_pledges_that_leave_out_different_visitors_are_not_compared(agency, other_agency):
    from civicdesk.pledges.selectors import comparable_definition

    def pledge(owner, **extra):
        return make_pledge(agency=owner, metric="tickets_within", target=90, threshold=20,
                           **extra)  # fmt: skip

    plain, without_appointments = pledge(agency), pledge(other_agency, exclusions=["appointments"])
    same = pledge(other_agency)
    assert comparable_definition(plain) != comparable_definition(without_appointments)
    assert comparable_definition(plain) == comparable_definition(same)


def test_the_service_refuses_a_channel_the_measure_does_not_count(agency):
    from civicdesk.core.errors import ValidationFailed
    from civicdesk.organisations.roles import Role
    from civicdesk.organisations.tests.factories import StaffFactory
    from civicdesk.pledges.services import pledge_create

    qsm = StaffFactory(agency=agency, role=Role.QSM).user
    base = {"metric": "wait_mean", "target": "15", "period": "month"}
    with pytest.raises(ValidationFailed) as refused:  # a queue measure, a case channel
        pledge_create(actor=qsm, agency=agency, channel="web", **base)
    assert refused.value.extra["field"] == "channel" and "kiosk" in refused.value.message
    with pytest.raises(ValidationFailed):
        pledge_create(actor=qsm, agency=agency, channel="webb", **base)
    assert pledge_create(actor=qsm, agency=agency, channel="kiosk", **base).channel == "kiosk"


def test_a_pledge_counts_only_channels_its_measure_comes_in_by(agency):
    from civicdesk.core.errors import ValidationFailed
    from civicdesk.pledges.metrics import Source, channels
    from civicdesk.pledges.services import _clean

    assert "kiosk" in channels(Source.TICKETS) and "kiosk" not in channels(Source.CASES)
    assert "open311" in channels(Source.CASES) and "open311" not in channels(Source.TICKETS)
    assert channels(Source.APPOINTMENTS) == channels(Source.TICKETS)
    assert set(channels(Source.ANSWERS)) == set(channels()) >= {"kiosk", "open311"}
    base = {"metric": "cases_reply_within", "target": "90", "period": "month"}
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        _clean(agency, {**base, "channel": "kiosk"})
    assert "channel" in refused.value.extra["errors"] and "open311" in str(refused.value)
    assert _clean(agency, {**base, "channel": "open311"})["channel"] == "open311"
    form_values = {value for _group, options in PledgeForm.base_fields["channel"].choices[1:]
                   for value, _label in options}  # fmt: skip
    assert form_values == set(channels())
