"""The zone helper: what a site or agency page shows is on its clock, and the zone is put back."""

from datetime import UTC, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.template import engines
from django.test import RequestFactory
from django.utils import timezone

from civicdesk.core.zones import in_zone_of, local_time, render_in_zone, zone_of

NOON_UTC = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)  # 12:00 London, 20:00 Hong Kong
LONDON_SITE = SimpleNamespace(timezone="Europe/London")


def _shown(value) -> str:
    return engines["django"].from_string('{{ at|time:"H:i" }}').render({"at": value})


def test_zone_of_a_site_a_name_a_zone_or_nothing():
    assert zone_of(LONDON_SITE) == ZoneInfo("Europe/London")
    assert zone_of("America/New_York") == ZoneInfo("America/New_York")
    assert zone_of(ZoneInfo("Asia/Tokyo")) == ZoneInfo("Asia/Tokyo")
    assert zone_of(None) == timezone.get_default_timezone()
    assert zone_of(SimpleNamespace(timezone="")) == timezone.get_default_timezone()


def test_a_datetimes_own_zone_does_not_survive_a_template_without_it():
    # Why views activate the zone: the filters convert to the active zone (the server's here).
    assert _shown(NOON_UTC.astimezone(ZoneInfo("Europe/London"))) == "20:00"
    with in_zone_of(LONDON_SITE):
        assert _shown(NOON_UTC) == "12:00"
    assert _shown(NOON_UTC) == "20:00"  # put back afterwards


def test_local_time_reads_the_owners_clock():
    assert local_time(NOON_UTC, LONDON_SITE).hour == 12
    assert local_time(NOON_UTC, "America/New_York").hour == 7  # EST, before 8 March


def test_render_in_zone_renders_on_the_owners_clock(settings):
    request = RequestFactory().get("/")
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", {"t.html": '{{ at|date:"H:i" }}'})
                ],
            },
            "APP_DIRS": False,
        }
    ]
    response = render_in_zone(LONDON_SITE, request, "t.html", {"at": NOON_UTC}, status=201)
    assert response.content.decode() == "12:00" and response.status_code == 201
    assert timezone.get_current_timezone() == timezone.get_default_timezone()
