"""A counter opened or closed reaches the live pages: the manager overview's count of open
counters and each waiting visitor's estimate changed, but no event went out until some ticket
moved (a board or phone could show a closed desk's estimate for many minutes)."""

import pytest

from civicdesk.core.errors import Conflict
from civicdesk.live.models import LiveEvent
from civicdesk.queues import services
from civicdesk.queues.models import Channel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _at_once(settings):
    settings.CIVICDESK_LIVE_COALESCE_MS = 0  # published at once, not from a thread


def _site_events(site):
    return list(LiveEvent.objects.filter(channel=f"site:{site.id}").order_by("id"))


def test_opening_and_closing_a_counter_publishes_the_site(
    clock, site, service, counter, officer, django_capture_on_commit_callbacks
):
    services.ticket_issue(service=service, channel=Channel.KIOSK)
    LiveEvent.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.counter_open(actor=officer, counter=counter)
    (opened,) = _site_events(site)
    assert opened.type == "counters"
    assert opened.payload["site"]["open_counters"] == 1
    assert opened.payload["ticket"] is None
    LiveEvent.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.counter_close(actor=officer, counter=counter)
    (closed,) = _site_events(site)
    assert closed.type == "counters" and closed.payload["site"]["open_counters"] == 0


def test_a_refused_close_publishes_nothing(
    clock, site, service, counter, officer, django_capture_on_commit_callbacks
):
    services.ticket_issue(service=service, channel=Channel.KIOSK)
    services.ticket_call_next(actor=officer, counter=counter)
    LiveEvent.objects.all().delete()
    with pytest.raises(Conflict), django_capture_on_commit_callbacks(execute=True):
        services.counter_close(actor=officer, counter=counter)
    assert _site_events(site) == []
