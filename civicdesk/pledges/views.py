"""Public transparency pages and open data (no sign-in, no JavaScript), and staff pages."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from civicdesk.cases.models import Category
from civicdesk.core.clock import now
from civicdesk.core.errors import ApplicationError
from civicdesk.core.spreadsheets import csv_response
from civicdesk.organisations.models import Agency, Site
from civicdesk.organisations.permissions import Access, Area, Target, can, require
from civicdesk.pledges import opendata, selectors, sentences
from civicdesk.pledges.charts import trend_svg
from civicdesk.pledges.forms import PledgeForm
from civicdesk.pledges.models import PeriodResult, Pledge
from civicdesk.pledges.periods import axis_labels
from civicdesk.pledges.selectors import Standing
from civicdesk.pledges.services import pledge_create, pledge_retire, pledge_update
from civicdesk.queues.models import Service

PUBLIC_CACHE = cache_control(public=True, max_age=300)
CACHE_SECONDS = 3600
# The agencies table's columns after the total, in the order city_body.html prints them.
CITY_COLUMNS = (Standing.MET, Standing.MISSED, Standing.ON_TRACK, Standing.BEHIND, Standing.NO_DATA)


def _with_charts(items):
    for item in items:
        item.measure = sentences.measure(item.pledge)
        item.chart_title = sentences.chart_title(item.pledge)
        item.chart = trend_svg(
            results=item.trend,
            target=float(item.pledge.target),
            target_text=sentences.target_words(item.pledge),
            chart_id=f"chart-{item.pledge.pk}",
            title=item.chart_title,
            lower_is_better=item.lower_is_better,
            labels=axis_labels([r.period_start for r in item.trend], item.pledge.period),
        )
    return items


def _stamp() -> str:
    """Changes whenever a published figure or definition may have changed, or a name the pages
    print (an agency's, site's, service's or category's, in any language): the cache key. One
    statement, read on every public request."""
    quote = connection.ops.quote_name
    parts = [
        f"(SELECT {expression} FROM {quote(model._meta.db_table)})"  # noqa: S608 (no input)
        for model, expressions in (
            (PeriodResult, ("MAX(computed_at)", "COUNT(*)", "MAX(id)")),
            (Pledge, ("MAX(updated_at)", "COUNT(*)")),
            (Agency, ("MAX(updated_at)",)),
            (Site, ("MAX(updated_at)",)),
            (Service, ("MAX(updated_at)",)),
            (Category, ("MAX(updated_at)",)),
        )
        for expression in expressions
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return "|".join(map(str, cursor.fetchone()))


def _cached(request, name: str, build):
    """Pages and files are rebuilt only after a recompute or a definition change."""
    stamp = hashlib.sha256(_stamp().encode()).hexdigest()[:32]
    key = f"pledges:{name}:{get_language()}:{stamp}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, CACHE_SECONDS)
    return value


def _city_body(request) -> str:
    pledges = list(selectors.published_pledges())
    items = selectors.summaries(pledges)
    agencies: dict = {}
    for item in items:
        agencies.setdefault(item.pledge.agency, []).append(item)
    rows = []
    for agency, group in agencies.items():
        # Met and missed only over a finished period; a quarter or year still running is on
        # track or behind so far (as in the monthly report). The columns add up to the pledges.
        counts = Counter(selectors.standing(i.latest) for i in group)
        rows.append((agency, len(group), *(counts[s] for s in CITY_COLUMNS)))
    return render_to_string(
        "pledges/city_body.html",
        {"agencies": rows, "benchmarks": selectors.benchmarks(items)},
        request=request,
    )


@require_GET
@PUBLIC_CACHE
def city(request: HttpRequest):
    body = _cached(request, "city", lambda: _city_body(request))
    return render(
        request, "pledges/page.html", {"body": body, "title": _("Our pledges and how we did")}
    )


def _agency_body(request, agency) -> str:
    items = _with_charts(selectors.summaries(list(selectors.published_pledges(agency))))
    others = selectors.summaries(
        [
            p
            for p in selectors.published_pledges()
            if p.agency_id != agency.pk and selectors.comparable_definition(p)
        ]
    )
    peer = {b.key: b for b in selectors.benchmarks(items + others)}
    for item in items:
        item.benchmark = peer.get(selectors.comparable_definition(item.pledge))
    return render_to_string(
        "pledges/agency_body.html", {"agency": agency, "items": items}, request=request
    )


@require_GET
@PUBLIC_CACHE
def agency_page(request: HttpRequest, code: str):
    agency = get_object_or_404(Agency, code=code.upper(), is_active=True)
    body = _cached(request, f"agency:{agency.pk}", lambda: _agency_body(request, agency))
    title = _("%(name)s: our pledges") % {"name": agency.display_name}
    return render(request, "pledges/page.html", {"body": body, "title": title})


# --- open data --------------------------------------------------------------------------------
def _agency_or_none(code: str | None) -> Agency | None:
    if code is None:
        return None
    agency = Agency.objects.filter(code=code.upper(), is_active=True).first()
    if agency is None:
        raise Http404
    return agency


def _for_excel(request, fmt: str) -> bool:
    """`?excel=1` on a CSV address: the same file led by a byte order mark, without which
    Excel garbles Chinese names (core.spreadsheets). The plain file stays as documented (no
    BOM) for programs."""
    return fmt == "csv" and request.GET.get("excel") == "1"


def _csv(rows, columns: list[str], filename: str, *, for_excel: bool = False) -> HttpResponse:
    if for_excel:
        filename = filename.removesuffix(".csv") + "-excel.csv"
    response = csv_response(filename, for_excel=for_excel)
    writer = csv.DictWriter(response, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    return response


def _csv_cell(value):
    """As docs/open-data.md says: booleans true/false (as in the JSON), nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


@require_GET
@PUBLIC_CACHE
def results_data(request: HttpRequest, fmt: str, code: str | None = None):
    agency = _agency_or_none(code)
    excel = _for_excel(request, fmt)
    content, content_type, disposition = _cached(
        request,
        f"results:{fmt}:{code}:{'excel' if excel else ''}",
        lambda: _freeze(_results_data(agency, fmt, for_excel=excel)),
    )
    return _thaw(content, content_type, disposition)


def _freeze(response: HttpResponse) -> tuple:
    return response.content, response["Content-Type"], response.get("Content-Disposition")


def _thaw(content, content_type, disposition) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    if disposition:
        response["Content-Disposition"] = disposition
    return response


def _results_data(agency, fmt: str, *, for_excel: bool = False) -> HttpResponse:
    rows = opendata.result_rows(selectors.published_results(agency))
    name = f"pledge-results{'-' + agency.code if agency else ''}"
    if fmt == "csv":
        return _csv(rows, opendata.RESULT_COLUMNS, f"{name}.csv", for_excel=for_excel)
    return JsonResponse(
        {
            "schema": opendata.RESULT_SCHEMA,
            "generated_at": now().isoformat(),
            "columns": opendata.RESULT_COLUMNS,
            "results": list(rows),
        },
        encoder=DjangoJSONEncoder,
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@PUBLIC_CACHE
def pledges_data(request: HttpRequest, fmt: str, code: str | None = None):
    agency = _agency_or_none(code)
    rows = opendata.pledge_rows(selectors.published_pledges(agency))
    name = f"pledges{'-' + agency.code if agency else ''}"
    if fmt == "csv":
        return _csv(
            rows, opendata.PLEDGE_COLUMNS, f"{name}.csv", for_excel=_for_excel(request, fmt)
        )
    return JsonResponse(
        {
            "schema": opendata.PLEDGE_SCHEMA,
            "generated_at": now().isoformat(),
            "columns": opendata.PLEDGE_COLUMNS,
            "pledges": list(rows),
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def open_data(request: HttpRequest):
    agencies = Agency.objects.filter(is_active=True, pledges__is_published=True).distinct()
    return render(
        request,
        "pledges/open_data.html",
        {
            "agencies": agencies,
            "result_columns": opendata.RESULT_COLUMNS,
            "pledge_columns": opendata.PLEDGE_COLUMNS,
        },
    )


# --- staff ------------------------------------------------------------------------------------
def _may_write(user, agency_id) -> bool:
    return can(user, Area.PLEDGES, Access.WRITE, Target(agency_id=agency_id))


@login_required
def staff_list(request: HttpRequest):
    require(request.user, Area.PLEDGES, Access.READ)
    pledges = list(selectors.pledges_for_staff(request.user))
    items = {s.pledge.pk: s for s in selectors.summaries(pledges)}
    alerts = list(selectors.alerts_for_staff(request.user).filter(resolved_at__isnull=True)[:20])
    profile = request.user.staff_profile
    return render(
        request,
        "pledges/staff_list.html",
        {
            "items": [items[p.pk] for p in pledges],
            "alerts": alerts,
            "may_write": _may_write(request.user, profile.agency_id) and profile.agency_id,
        },
    )


@login_required
def staff_detail(request: HttpRequest, pk: int):
    pledge = get_object_or_404(selectors.pledges_for_staff(request.user), pk=pk)
    (item,) = _with_charts(selectors.summaries([pledge]))
    return render(
        request,
        "pledges/staff_detail.html",
        {
            "item": item,
            "alerts": pledge.alerts.all()[:12],
            "may_write": _may_write(request.user, pledge.agency_id),
        },
    )


def _form_page(request, *, agency, pledge=None):
    form = PledgeForm(request.POST or None, agency=agency, instance=pledge)
    if request.method == "POST" and form.is_valid():
        try:
            if pledge is None:
                pledge = pledge_create(actor=request.user, agency=agency, **form.service_data())
            else:
                pledge = pledge_update(actor=request.user, pledge=pledge, **form.service_data())
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            from civicdesk.pledges.tasks import recompute_pledges

            recompute_pledges.enqueue()
            return redirect("pledges:staff_detail", pk=pledge.pk)
    status = 422 if form.is_bound and form.errors else 200  # shown again with its errors
    return render(
        request, "pledges/staff_form.html", {"form": form, "pledge": pledge}, status=status
    )


@login_required
def staff_new(request: HttpRequest):
    profile = request.user.staff_profile
    if profile.agency_id is None:
        raise Http404
    require(request.user, Area.PLEDGES, Access.WRITE, Target(agency_id=profile.agency_id))
    return _form_page(request, agency=profile.agency)


@login_required
def staff_edit(request: HttpRequest, pk: int):
    pledge = get_object_or_404(selectors.pledges_for_staff(request.user), pk=pk)
    require(request.user, Area.PLEDGES, Access.WRITE, Target(agency_id=pledge.agency_id))
    if request.method == "POST" and "retire" in request.POST:
        pledge_retire(actor=request.user, pledge=pledge)
        return redirect("pledges:manage")
    return _form_page(request, agency=pledge.agency, pledge=pledge)


@login_required
def staff_report(request: HttpRequest):
    """The monthly report for the management committee, in the browser or as a PDF."""
    from civicdesk.core.zones import local_today
    from civicdesk.pledges.report import month_or_last, render_monthly_html, render_monthly_pdf

    require(request.user, Area.PLEDGES, Access.READ)
    profile = request.user.staff_profile
    agencies = Agency.objects.filter(is_active=True)
    if profile.agency_id:
        agencies = agencies.filter(pk=profile.agency_id)
    agency = agencies.filter(code=request.GET.get("agency", "").upper()).first() or agencies.first()
    if agency is None:
        raise Http404
    require(request.user, Area.PLEDGES, Access.READ, Target(agency_id=agency.pk))
    typed = request.GET.get("month", "").strip()
    error = None
    try:
        month = month_or_last(typed or None, agency)
    except ValueError:
        # Never a report of another month than the one asked for, nor a 500 for a far year.
        error = _("Enter the month as a year and month, like 2026-10.")
    else:
        if month > local_today(agency):
            # A month not begun has no figures: its report would say every site met every pledge.
            error = _("%(month)s has not begun yet: choose this month or an earlier one.") % {
                "month": f"{month:%Y-%m}"
            }
    if error:
        if request.GET.get("format") == "pdf":
            raise ApplicationError(error)
        # The chooser again, with what was typed and what to change, above the last month's
        # report (a person who mistyped is not left on an error page).
        html = render_monthly_html(
            agency,
            month_or_last(None, agency),
            request=request,
            agencies=list(agencies),
            month_error=error,
            month_typed=typed,
        )
        return HttpResponse(html, status=400)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(render_monthly_pdf(agency, month), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="pledges-{agency.code}-{month:%Y-%m}.pdf"'
        )
        return response
    return HttpResponse(
        render_monthly_html(agency, month, request=request, agencies=list(agencies))
    )
