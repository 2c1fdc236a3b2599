"""Citizen pages: the remote-join page (also reached by QR code), the kiosk, the ticket page."""

from __future__ import annotations

import io
from datetime import timedelta

import segno
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from civicdesk.core.clock import now
from civicdesk.core.errors import ApplicationError
from civicdesk.core.zones import render_in_zone
from civicdesk.live import bus as live_bus
from civicdesk.live.views import service_names
from civicdesk.organisations.calendar import NeverOpen, site_calendar
from civicdesk.organisations.hours import format_weekly_hours, parse_weekly_hours
from civicdesk.queues import services
from civicdesk.queues.estimation import estimate_join_wait
from civicdesk.queues.forms import JoinForm
from civicdesk.queues.lanes import NORMAL, lane_choices, lane_label
from civicdesk.queues.models import FINAL_STATUSES, OPEN_STATUSES, Channel, TicketStatus
from civicdesk.queues.selectors import (
    open_counter_count,
    open_counters_while_waiting,
    people_ahead,
    service_list_public,
    site_for_codes,
    ticket_by_token,
)
from civicdesk.queues.state_cache import shown_wait

WEEKDAYS = [
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]


def _minutes(delta) -> int:
    return round(delta.total_seconds() / 60)


def _site_or_404(agency_code: str, site_code: str):
    site = site_for_codes(agency_code, site_code)
    if site is None:
        raise Http404
    return site


def _service_rows(site):
    rows = []
    for service in service_list_public(site=site):
        rows.append(
            {
                "service": service,
                "waiting": service.tickets.filter(status=TicketStatus.WAITING).count(),
                "wait_minutes": _minutes(estimate_join_wait(service, NORMAL)),
                "counters_open": open_counter_count(service),
            }
        )
    return rows


def _opening(site):
    calendar = site_calendar(site)
    at = now()
    is_open = calendar.is_open(at)
    hours = dict(format_weekly_hours(parse_weekly_hours(site.opening_hours)))
    try:
        next_open = None if is_open else calendar.next_open(at)
    except NeverOpen:  # no opening hours at all: closed, with no day to name
        next_open = None
    return {
        "is_open": is_open,
        "next_open": next_open,
        # Every day of the week, Monday first; a closed day's text is "" (said "Closed").
        "hours": [(WEEKDAYS[day], hours.get(day, "")) for day in range(7)],
    }


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, agency_code: str, site_code: str):
    """Join remotely: pick a service (preselected by the QR code's ?service=), a lane and how to
    be told when the turn is near."""
    site = _site_or_404(agency_code, site_code)
    rows = _service_rows(site)
    initial = {"lane": NORMAL}
    chosen = request.GET.get("service", "")
    if chosen.isascii() and chosen.isdigit():  # "²".isdigit(), but int("²") fails
        initial["service"] = int(chosen)
    form = JoinForm(request.POST or None, services=[r["service"] for r in rows], initial=initial)
    opening = _opening(site)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = next(r["service"] for r in rows if r["service"].id == data["service"])
        try:
            ticket = services.ticket_issue(
                service=service,
                channel=Channel.REMOTE,
                lane=data["lane"],
                phone=data["phone"],
                email=data["email"],
                notify_ahead=data["notify_ahead"],
                notify_minutes=data["notify_minutes"],
                language=get_language() or "en",
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return redirect("queues:ticket", token=ticket.token)
    return render_in_zone(
        site,
        request,
        "queues/join.html",
        {"site": site, "rows": rows, "form": form, **opening},
    )


def join_qr(request: HttpRequest, agency_code: str, site_code: str):
    """A QR code (SVG) of the join page, for a poster or the agency's website."""
    site = _site_or_404(agency_code, site_code)
    url = settings.CIVICDESK_PUBLIC_URL.rstrip("/") + reverse(
        "queues:join", kwargs={"agency_code": site.agency.code, "site_code": site.code}
    )
    service_id = request.GET.get("service", "")
    if (
        service_id.isascii()
        and service_id.isdigit()
        and site.services.filter(pk=int(service_id), is_active=True).exists()
    ):
        url += f"?service={int(service_id)}"
    response = _qr_response(
        url, scale=8, title=_("Scan to join the queue at %(site)s") % {"site": site.display_name}
    )
    response["Cache-Control"] = "public, max-age=3600"
    patch_vary_headers(response, ["Accept-Language", "Cookie"])  # its title is in the reader's
    return response


def _qr_response(url: str, *, scale: int, title: str) -> HttpResponse:
    """A QR code as a standalone SVG document. Not segno's `svg_inline()`: that leaves out the
    XML namespace, which HTML does not need but an image file does (an <img> of it is empty)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", xmldecl=False, svgns=True, scale=scale, title=title
    )
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


# --- kiosk ----------------------------------------------------------------------------------------
def _kiosk_context(request, site):
    large = request.GET.get("text") == "large" or request.POST.get("text") == "large"
    return {"site": site, "large": large, "text_param": "large" if large else ""}


@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, agency_code: str, site_code: str):
    """The touch screen at the door: service, then lane, then the number, in big buttons.

    `?reset=1` (the ticket page's "Done", also followed by itself after a minute) gets the kiosk
    ready for the next visitor: it forgets the language chosen on this shared screen (the
    cookie the language buttons set) and comes back in the kiosk's default language and
    normal text."""
    site = _site_or_404(agency_code, site_code)
    if request.method == "GET" and "reset" in request.GET:
        return _kiosk_reset(site)
    context = _kiosk_context(request, site)
    rows = _service_rows(site)
    context.update(rows=rows, **_opening(site))
    services_by_id = {r["service"].id: r["service"] for r in rows}
    chosen = request.POST.get("service") or request.GET.get("service") or ""
    service = services_by_id.get(int(chosen)) if chosen.isascii() and chosen.isdigit() else None
    if request.method == "POST" and service is not None:
        lane = request.POST.get("lane", NORMAL)
        if lane not in dict(lane_choices()):
            lane = NORMAL
        try:
            ticket = services.ticket_issue(
                service=service, channel=Channel.KIOSK, lane=lane, language=get_language() or "en"
            )
        except ApplicationError as error:
            context["error"] = error.message
        else:
            url = reverse("queues:kiosk_ticket", kwargs={"token": ticket.token})
            return redirect(f"{url}?text={context['text_param']}" if context["large"] else url)
    context["service"] = service
    context["lanes"] = lane_choices()
    return render_in_zone(site, request, "queues/kiosk.html", context)


def kiosk_sites(request: HttpRequest):
    """/kiosk/: whoever sets up a kiosk picks the office it stands in, then opens its kiosk."""
    from civicdesk.organisations.selectors import site_list_public

    sites = site_list_public().filter(services__is_active=True).distinct()
    return render(
        request, "queues/kiosk_sites.html", {"sites": sites.order_by("agency__code", "code")}
    )


def _kiosk_reset(site) -> HttpResponse:
    response = redirect("queues:kiosk", agency_code=site.agency.code, site_code=site.code)
    response.delete_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        samesite="Lax",
    )
    return response


def kiosk_ticket(request: HttpRequest, token: str):
    ticket = ticket_by_token(token[:64])
    if ticket is None:
        raise Http404
    context = _kiosk_context(request, ticket.site)
    context.update(
        ticket=ticket,
        # Reloaded after the call (or the visit), the page says so, not "You are next".
        closed=ticket.status in FINAL_STATUSES,
        ahead=people_ahead(ticket),
        wait_minutes=_minutes(_wait(ticket)),
        counters_open=open_counters_while_waiting(ticket),
        lane=lane_label(ticket.lane),
        ticket_url=settings.CIVICDESK_PUBLIC_URL.rstrip("/")
        + reverse("queues:ticket", kwargs={"token": ticket.token}),
    )
    return render_in_zone(ticket.site, request, "queues/kiosk_ticket.html", context)


def kiosk_ticket_qr(request: HttpRequest, token: str):
    """The ticket's own page as a QR code, so a kiosk visitor can follow it on their phone."""
    ticket = ticket_by_token(token[:64])
    if ticket is None:
        raise Http404
    url = settings.CIVICDESK_PUBLIC_URL.rstrip("/") + reverse(
        "queues:ticket", kwargs={"token": ticket.token}
    )
    return _qr_response(url, scale=6, title=_("Follow your ticket on a phone"))


def _wait(ticket) -> timedelta:
    return shown_wait(ticket)


# --- the ticket -----------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def ticket_page(request: HttpRequest, token: str):
    ticket = ticket_by_token(token[:64])
    if ticket is None:
        raise Http404
    error = None
    if request.method == "POST" and request.POST.get("action") == "cancel":
        if request.POST.get("confirm") != "yes":
            # One slip of a thumb must not lose her place: ask first (a page from before too).
            return redirect("queues:ticket_leave", token=ticket.token)
        try:
            services.ticket_cancel(ticket=ticket)
        except ApplicationError as exc:
            error = exc.message
        else:
            return redirect("queues:ticket", token=ticket.token)
    # The page she lands on after joining (and from her messages) keeps itself current: the
    # live ticket page's script follows this ticket's event stream and updates it in place
    # (live/ticket.html). Taken before the state below, so no event in between is missed.
    # Only where streams are served (ASGI: `civicdesk serve`); a WSGI worker would hold the
    # endless stream, and its database connection, for ever.
    streams = isinstance(request, ASGIRequest) and ticket.status in OPEN_STATUSES
    last_event_id = live_bus.latest_id() if streams else None
    called = ticket.counter_id and ticket.status == TicketStatus.CALLED
    called_at = ticket.counter.name if called else ""
    context = {
        "ticket": ticket,
        "error": error,
        "lane": lane_label(ticket.lane),
        "ahead": people_ahead(ticket),
        "wait_minutes": _minutes(_wait(ticket)),
        "counters_open": open_counters_while_waiting(ticket),
        # The counter inside the sentence, where the script writes it when she is called.
        "called_counter": format_html(
            '<span data-counter data-testid="called-counter">{}</span>', called_at
        ),
    }
    if last_event_id is not None:
        context["live"] = {
            "last_event_id": last_event_id,
            "stream_url": reverse("live:ticket_events", args=[ticket.token]),
            "place_url": reverse("api-v1:ticket_detail", args=[ticket.token]),
            "recount_seconds": settings.CIVICDESK_LIVE_RECOUNT_SECONDS,
            "status_labels": {code: str(label) for code, label in TicketStatus.choices},
            "service_names": service_names(ticket.site),
        }
    return render_in_zone(ticket.site, request, "queues/ticket.html", context)


@require_http_methods(["GET"])
def ticket_leave(request: HttpRequest, token: str):
    """Ask "are you sure?" before leaving the queue, saying what she would lose. The answer
    "yes" is posted to the ticket page, the one place that cancels."""
    ticket = ticket_by_token(token[:64])
    if ticket is None:
        raise Http404
    if ticket.status not in (TicketStatus.WAITING, TicketStatus.CALLED):
        return redirect("queues:ticket", token=ticket.token)  # nothing left to leave
    context = {"ticket": ticket, "ahead": people_ahead(ticket)}
    return render_in_zone(ticket.site, request, "queues/ticket_leave.html", context)


def index(request: HttpRequest):
    """Every office with queues: join, take an appointment, or open its kiosk."""
    from civicdesk.organisations.selectors import site_list_public

    sites = site_list_public().filter(services__is_active=True).distinct()
    return render(request, "queues/index.html", {"sites": sites})
