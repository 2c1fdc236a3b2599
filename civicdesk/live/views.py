"""Live pages (display board, the citizen's live ticket, the manager overview) and their streams.

Each page is rendered complete on the server (it works without JavaScript and refreshes itself
with a meta refresh); live.js then follows the page's event stream and updates it in place.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from civicdesk.core.text import sentence_marks
from civicdesk.core.zones import render_in_zone
from civicdesk.live import bus
from civicdesk.live.selectors import sites_for_overview
from civicdesk.live.snapshot import site_snapshot, ticket_snapshot
from civicdesk.live.streams import sse_response
from civicdesk.queues.models import TicketStatus
from civicdesk.queues.selectors import site_for_codes, ticket_by_token


def _site_or_404(agency_code: str, site_code: str):
    site = site_for_codes(agency_code[:20], site_code[:20])
    if site is None:
        raise Http404
    return site


def service_names(site) -> dict[int, str]:
    """Each service of the site by id, named in the language in use."""
    from civicdesk.queues.models import Service

    return {service.id: service.display_name for service in Service.objects.filter(site=site)}


def _services_by_id(snapshot: dict) -> dict:
    return {s["id"]: s for s in snapshot["services"]}


# --- display board ------------------------------------------------------------------------------
def board(request: HttpRequest, agency_code: str, site_code: str):
    site = _site_or_404(agency_code, site_code)
    last = bus.latest_id()
    names = service_names(site)
    snapshot = site_snapshot(site.id)
    # Names in the page's language (a snapshot is shared by every page: it carries one name).
    snapshot = {**snapshot, "services": [{**s, "name": names.get(s["id"], s["name"])}
                                         for s in snapshot["services"]]}  # fmt: skip
    services = _services_by_id(snapshot)
    calling = [
        {**c, "service_name": services.get(c["service"], {}).get("name", "")}
        for c in snapshot["calling"]
    ]
    return render_in_zone(
        site,
        request,
        "live/board.html",
        {
            "site": site,
            "snapshot": snapshot,
            "service_names": names,
            "now_calling": calling[:1],
            "recent": calling[1:6],
            "last_event_id": last,
            "stream_url": reverse("live:board_events", args=[site.agency.code, site.code]),
            "refresh_seconds": settings.CIVICDESK_LIVE_NOJS_REFRESH_SECONDS,
            "chime": request.GET.get("chime") == "on",
        },
    )


async def board_events(request: HttpRequest, agency_code: str, site_code: str):
    site = await sync_to_async(_site_id_or_none, thread_sensitive=False)(agency_code, site_code)
    if site is None:
        raise Http404
    return sse_response([f"site:{site}"], request)


def _site_id_or_none(agency_code: str, site_code: str) -> int | None:
    try:
        site = site_for_codes(agency_code[:20], site_code[:20])
        return site.id if site else None
    finally:
        bus.release_connection()


# --- the citizen's live ticket ------------------------------------------------------------------
def ticket(request: HttpRequest, token: str):
    found = ticket_by_token(token[:64])
    if found is None:
        raise Http404
    last = bus.latest_id()
    snapshot = site_snapshot(found.site_id)
    state = ticket_snapshot(found, snapshot)
    # Events carry the status code only: the page words it from these, in its own language.
    status_labels = {code: str(label) for code, label in TicketStatus.choices}
    return render_in_zone(
        found.site,
        request,
        "live/ticket.html",
        {
            "ticket": found,
            "state": state,
            "status_label": status_labels[state["status"]],
            "status_labels": status_labels,
            "service_names": service_names(found.site),
            "last_event_id": last,
            "stream_url": reverse("live:ticket_events", args=[found.token]),
            "place_url": reverse("api-v1:ticket_detail", args=[found.token]),
            "recount_seconds": settings.CIVICDESK_LIVE_RECOUNT_SECONDS,
            "refresh_seconds": settings.CIVICDESK_LIVE_NOJS_REFRESH_SECONDS,
            **_sentence_marks(),
        },
    )


def _sentence_marks() -> dict[str, str]:
    """How the page's language ends a sentence and starts the next, for the sentences live.mjs
    puts together, as `core.text.sentences` joins them on the server."""
    end, joiner = sentence_marks()
    return {"sentence_end": end, "sentence_joiner": joiner}


def _ticket_channels(token: str) -> list[str] | None:
    try:
        found = ticket_by_token(token[:64])
        if found is None:
            return None
        return [f"ticket:{found.token}", f"site:{found.site_id}"]
    finally:
        bus.release_connection()


async def ticket_events(request: HttpRequest, token: str):
    channels = await sync_to_async(_ticket_channels, thread_sensitive=False)(token)
    if channels is None:
        raise Http404
    return sse_response(channels, request)


# --- the manager overview -----------------------------------------------------------------------
@login_required
def overview(request: HttpRequest):
    last = bus.latest_id()
    sites, names = [], {}
    for site in sites_for_overview(request.user):
        snapshot = site_snapshot(site.id)
        site_names = service_names(site)
        names.update(site_names)
        # Names in the page's language, as on the board (a snapshot carries one name).
        snapshot = {**snapshot, "services": [{**s, "name": site_names.get(s["id"], s["name"])}
                                             for s in snapshot["services"]]}  # fmt: skip
        sites.append({"site": site, "snapshot": snapshot})
    return render(
        request,
        "live/overview.html",
        {
            "sites": sites,
            "service_names": names,
            "last_event_id": last,
            "stream_url": reverse("live:overview_events"),
            "refresh_seconds": settings.CIVICDESK_LIVE_NOJS_REFRESH_SECONDS,
        },
    )


def _overview_channels(user) -> list[str]:
    try:
        return [f"site:{pk}" for pk in sites_for_overview(user).values_list("pk", flat=True)]
    finally:
        bus.release_connection()


async def overview_events(request: HttpRequest):
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse(status=403)
    channels = await sync_to_async(_overview_channels, thread_sensitive=False)(user)
    return sse_response(channels, request)
