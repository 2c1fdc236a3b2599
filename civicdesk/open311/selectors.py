"""Open311 reads: the published services and the public service requests."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from civicdesk.cases.models import Case, CaseEvent, CaseMessage, Category, Kind, MessageKind
from civicdesk.open311.models import ApiKey, ServiceAttribute, hash_api_key
from civicdesk.organisations.models import Agency

# Events that another Open311 system syncs: status changes, posted updates and transfers to
# another agency (the request keeps its id; the agency that sent it away still sees that).
# A reply to the citizen is an update too: its description is the words she was sent.
UPDATE_ACTIONS = ("status", "open311_update", "transferred", "replied")


def service_code(category: Category | None) -> str:
    """Stable per category across the city: the agency code and the category code ("" for a
    request whose new agency has not picked its category yet)."""
    if category is None:
        return ""
    return f"{category.agency.code}-{category.code}"


def api_key_get(key: str) -> ApiKey | None:
    if not key:
        return None
    return (
        ApiKey.objects.select_related("agency")
        .filter(key_hash=hash_api_key(key), is_active=True)
        .first()
    )


def agency_for_jurisdiction(jurisdiction_id: str, *, city: str) -> Agency | bool | None:
    """None: the whole city. An Agency: that agency only. False: no such jurisdiction."""
    if not jurisdiction_id or jurisdiction_id.lower() == city.lower():
        return None
    agency = Agency.objects.filter(code=jurisdiction_id.upper(), is_active=True).first()
    return agency if agency is not None else False


def service_list(*, agency: Agency | None = None) -> QuerySet[Category]:
    qs = (
        Category.objects.filter(is_active=True, agency__is_active=True)
        .select_related("agency", "department", "standard")
        .prefetch_related(
            Prefetch("open311_attributes", queryset=ServiceAttribute.objects.order_by("order"))
        )
        .order_by("agency__code", "code")
    )
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs


def service_get(*, code: str, agency: Agency | None = None) -> Category | None:
    agency_code, _sep, category_code = (code or "").partition("-")
    if not category_code:
        return None
    qs = service_list(agency=agency).filter(agency__code=agency_code, code=category_code)
    return qs.first()


def citizen_replies() -> QuerySet[CaseMessage]:
    """What the agency sent the citizen, oldest first: never internal notes, and never a message
    a merge moved here from another citizen's case (`original_reference`)."""
    return CaseMessage.objects.filter(kind=MessageKind.TO_CITIZEN, original_reference="").order_by(
        "at", "pk"
    )


def request_list(*, agency: Agency | None = None, replies: bool = False) -> QuerySet[Case]:
    """Public service requests: cases of kind service request with a category, and every
    request posted through Open311 (one transferred to an agency that has not yet picked its
    category stays readable by the client that posted it).

    Never contacts, and never staff notes: a status note may be internal, so the public list
    says only the status; the key-authenticated updates feed carries the notes.
    `replies`: prefetch the latest reply sent to each citizen (`case.citizen_replies`: a list
    of that one reply, or empty), for a client with a key: a reply is a letter to one person
    and may name her. Only the latest is read (status_notes), so only it is loaded: a request
    with years of letters costs one row, not all their bodies."""
    qs = (
        Case.objects.filter(kind=Kind.SERVICE_REQUEST)
        .filter(Q(category__isnull=False) | Q(open311_submission__isnull=False))
        .select_related("agency", "category__agency", "category__standard", "open311_submission")
        .order_by("-received_at", "-pk")
    )
    if agency is not None:
        qs = qs.filter(agency=agency)
    if replies:
        qs = qs.prefetch_related(
            Prefetch(
                "messages",
                # A sliced prefetch: the database keeps each case's first row (ROW_NUMBER()
                # over the case), newest first.
                queryset=citizen_replies().order_by("-at", "-pk").only("case_id", "body")[:1],
                to_attr="citizen_replies",
            )
        )
    return qs


def update_list(
    *,
    api_key: ApiKey,
    start: datetime,
    end: datetime,
    agency: Agency | None = None,
    references: list[str] | None = None,
) -> QuerySet[CaseEvent]:
    """Status changes and replies to the citizen of service requests, oldest first;
    `references`: only those requests'."""
    qs = (
        CaseEvent.objects.filter(
            action__in=UPDATE_ACTIONS,
            case__kind=Kind.SERVICE_REQUEST,
            at__gte=start,
            at__lte=end,
        )
        .select_related("case")
        .order_by("at", "pk")
    )
    for holder in (api_key.agency, agency):
        if holder is not None:
            qs = qs.filter(Q(case__agency=holder) | Q(action="transferred", data__from=holder.code))
    if references:
        qs = qs.filter(case__reference__in=references)
    return qs
