"""Open311 GeoReport v2 endpoints. Thin: parse the spec's parameters, call a selector or a
service, answer in the format of the URL's suffix (XML or JSON) with the spec's error list."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from civicdesk.cases.models import OPEN_STATUSES, Case, CaseStatus
from civicdesk.cases.services import AttachmentIn
from civicdesk.cases.services.common import (
    EXTENSIONS,
    max_attachment_bytes,
    max_attachments,
    phone_is_valid,
)
from civicdesk.cases.services.intake import name_check
from civicdesk.core.clock import now
from civicdesk.core.errors import ApplicationError, ValidationFailed
from civicdesk.core.middleware import nul_parameter
from civicdesk.open311 import selectors
from civicdesk.open311.models import ApiKey, Submission, Update
from civicdesk.open311.render import FORMATS, Open311Error, error_response, respond, w3c
from civicdesk.open311.services import (
    RequestIn,
    open311_request_create,
    open311_update_create,
    parse_instant,
)
from civicdesk.organisations.models import Agency

MAX_RESULTS = 1000
MAX_SPAN = timedelta(days=90)
# status_notes is a note on the status, not the letter: the start of the latest reply.
STATUS_NOTES_LENGTH = 500
UPDATE_DESCRIPTION_LENGTH = 4000
ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,40})\](\[\])?$")
SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-03-01T00:00:00Z"
# Field: most characters accepted.
LIMITS = {
    "address_string": 300,
    "address_id": 100,
    "email": 254,
    "first_name": 99,  # with last_name and a space between, the case's name of 200 at most
    "last_name": 100,
    "phone": 30,
    "device_id": 100,
    "account_id": 100,
    "media_url": 500,
    "service_code": 3000,  # a comma-separated list in GET requests
    "jurisdiction_id": 60,
    "api_key": 200,
    "update_id": 100,
    "service_request_id": 32000,  # a comma-separated list in GET requests
    "status": 40,
    "updated_datetime": 40,
}


def open311(*methods: str):
    """Allowed methods, the format suffix, and every error in the spec's error format."""

    def decorate(view):
        @csrf_exempt  # clients authenticate with api_key, not a session
        @functools.wraps(view)
        def wrapper(request, *args, fmt: str, **kwargs):
            if fmt not in FORMATS:
                return error_response("xml", Open311Error(400, _("Use .xml or .json.")))
            if request.method not in methods:
                response = error_response(fmt, Open311Error(405, _("Method not allowed.")))
                response["Allow"] = ", ".join(methods)
                return response
            if any("\x00" in str(value) for value in kwargs.values()):
                # PostgreSQL cannot even compare text with a NUL byte: refuse it here.
                return error_response(fmt, Open311Error(404, _("Not found.")))
            try:
                _refuse_nul(request)
                return view(request, *args, fmt=fmt, **kwargs)
            except SuspiciousOperation:  # too big a body, too many fields
                return error_response(fmt, Open311Error(400, _("The request is too large.")))
            except Open311Error as exc:
                return error_response(fmt, exc)
            except ApplicationError as exc:
                status = 400 if exc.status == 422 else exc.status
                return error_response(fmt, Open311Error(status, exc.message))

        return wrapper

    return decorate


# --- parameters -----------------------------------------------------------------------------
def _refuse_nul(request) -> None:
    """A NUL byte in any parameter (query or form body; jurisdiction_id, say) is a 400 in the
    spec's error list, before the api_key is even looked at: never meaningful, and PostgreSQL
    text cannot hold it. (The site's middleware leaves /open311/ to this, for the answer's
    shape, and finds the NUL the same way.)"""
    sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    name = nul_parameter(*sources)
    if name is not None:
        raise Open311Error(400, _("%(name)s contains a NUL character.") % {"name": name})


def _param(request, name: str) -> str:
    source = request.POST if request.method == "POST" else request.GET
    value = source.get(name)
    if value is None:
        value = request.GET.get(name, "")
    if "\x00" in value:
        raise Open311Error(400, _("%(name)s contains a NUL character.") % {"name": name})
    limit = LIMITS.get(name)
    if limit is not None and len(value) > limit:
        raise Open311Error(
            400, _("%(name)s must be %(n)s characters or fewer.") % {"name": name, "n": limit}
        )
    return value.strip()


def _jurisdiction(request):
    """None for the whole city, or the agency a jurisdiction_id names; 404 for anything else."""
    found = selectors.agency_for_jurisdiction(
        _param(request, "jurisdiction_id"), city=settings.CIVICDESK_OPEN311_JURISDICTION
    )
    if found is False:
        raise Open311Error(404, _("jurisdiction_id not found."))
    return found


def _api_key(request) -> ApiKey:
    api_key = selectors.api_key_get(_param(request, "api_key"))
    if api_key is None:
        raise Open311Error(403, _("api_key is missing or not valid."))
    return api_key


def _instant(request, name: str):
    value = _param(request, name)
    if not value:
        return None
    instant = parse_instant(value)
    if instant is None or instant.tzinfo is None:
        raise Open311Error(
            400,
            _("%(name)s must be a W3C date and time like 2026-03-02T10:00:00Z.") % {"name": name},
        )
    return instant


def _window(request) -> tuple:
    start, end = _instant(request, "start_date"), _instant(request, "end_date")
    if start is None and end is None:
        end = now()
    if start is None:
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if end - start > MAX_SPAN:
        raise Open311Error(400, _("start_date to end_date may not span more than 90 days."))
    return start, end


def _positive(request, name: str, default: int, most: int) -> int:
    value = _param(request, name)
    if not value:
        return default
    if not value.isdigit() or not 1 <= int(value) <= most:
        raise Open311Error(400, _("%(name)s must be 1 to %(n)s.") % {"name": name, "n": most})
    return int(value)


def _location(request) -> tuple[Decimal | None, Decimal | None]:
    lat, long = _param(request, "lat"), _param(request, "long")
    if not lat and not long:
        return None, None
    if not lat or not long:
        raise Open311Error(400, _("Give both lat and long, or neither."))
    try:
        lat_d, long_d = Decimal(lat[:30]), Decimal(long[:30])
    except InvalidOperation as exc:
        raise Open311Error(400, _("lat and long must be WGS84 decimal degrees.")) from exc
    if not (lat_d.is_finite() and long_d.is_finite()) or not (
        -90 <= lat_d <= 90 and -180 <= long_d <= 180
    ):
        raise Open311Error(400, _("lat must be -90 to 90 and long -180 to 180."))
    return lat_d, long_d


def _person_name(request, name: str) -> str:
    """first_name or last_name under the rule for a person's name that every channel's intake
    keeps (no control characters), refused in Open311's words: the parameter and a 400."""
    value = _param(request, name)  # its NUL and its length are checked as every parameter's
    try:
        return name_check(value)
    except ValidationFailed as exc:
        if exc.code != "contact_name":  # not the control characters: the decorator's 400
            raise
        raise Open311Error(
            400,
            _("%(name)s must not contain tabs, line breaks or other control characters.")
            % {"name": name},
        ) from exc


def _phone(value: str) -> str:
    if value and not phone_is_valid(value):
        raise Open311Error(400, _("phone must be a phone number of 8 to 15 digits."))
    return value


def _email(value: str) -> str:
    if value:
        try:
            validate_email(value)
        except DjangoValidationError as exc:
            raise Open311Error(400, _("email is not a valid email address.")) from exc
    return value


def _url(value: str) -> str:
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except DjangoValidationError as exc:
            raise Open311Error(400, _("media_url must be an http or https URL.")) from exc
    return value


def _attributes(request) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name in request.POST:
        match = ATTRIBUTE.match(name)
        if match is None:
            continue
        values = request.POST.getlist(name)
        if any("\x00" in v for v in values) or len(values) > 50:
            raise Open311Error(400, _("%(name)s is not valid.") % {"name": name})
        found.setdefault(match.group(1), []).extend(values)
    return found


def _media(request) -> list[AttachmentIn]:
    """The files uploaded as `media` (multipart/form-data). case_create checks them with the web
    form's limits (count, size, type, content) before it writes anything."""
    if request.POST.get("media", "").strip():
        raise Open311Error(
            400, _("media must be a file upload (multipart/form-data); use media_url for a link.")
        )
    # One more than the limits allow is enough for the check to refuse too many or too big a
    # file, without reading all of an oversized upload into memory.
    uploads = request.FILES.getlist("media")[: max_attachments() + 1]
    most = max_attachment_bytes() + 1
    return [AttachmentIn(filename=_media_name(u), content=u.read(most)) for u in uploads]


def _media_name(upload) -> str:
    """The upload's file name; one without any extension ("blob", as browsers name a FormData
    Blob) takes the extension of its declared type, whose content is still checked."""
    name = (upload.name or "").strip()
    if "." not in name:
        declared = (upload.content_type or "").split(";")[0].strip().lower()
        extension = next((e for e, t in EXTENSIONS.items() if t == declared), None)
        if extension is not None:
            return f"{name or 'media'}.{extension}"
    return name


# --- output ---------------------------------------------------------------------------------
def _notice(category) -> str | None:
    if category is None:
        return None
    standard = category.standard
    return _(
        "We acknowledge within %(hours)s working hours and reply within %(days)s working days."
    ) % {"hours": standard.acknowledge_within_hours, "days": standard.reply_within_days}


def _name(category) -> str:
    """The service's name in the reader's language; "" for a request whose new agency has not
    picked its category yet, as its service_code is "" (a string the schema requires)."""
    return category.local_name(get_language() or "en") if category is not None else ""


def _service(category) -> dict:
    return {
        "service_code": selectors.service_code(category),
        "service_name": _name(category),
        "description": category.description or _name(category),
        "metadata": bool(category.open311_attributes.all()),
        "type": "realtime",
        "keywords": ", ".join(k.strip() for k in category.keywords.splitlines() if k.strip()),
        "group": category.department.name,
    }


def _attribute(attribute) -> dict:
    data = {
        "variable": attribute.variable,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description or None,
        "order": attribute.order,
        "description": attribute.description,
    }
    if attribute.values:
        data["values"] = [{"key": str(v["key"]), "name": str(v.get("name", v["key"]))}
                          for v in attribute.values]  # fmt: skip
    return data


def _submission(case: Case) -> Submission | None:
    try:
        return case.open311_submission
    except Submission.DoesNotExist:
        return None


def _status_notes(case: Case, api_key: ApiKey | None) -> str:
    """The latest reply to the citizen, for a client with a key for the case's agency (a reply
    is a letter to one person); else, and before any reply, the status in words."""
    replies = getattr(case, "citizen_replies", None)
    if api_key is not None and api_key.may_act_for(case.agency_id) and replies:
        return Truncator(replies[-1].body.strip()).chars(STATUS_NOTES_LENGTH)
    return str(case.get_status_display())


def _request(case: Case, api_key: ApiKey | None = None) -> dict:
    submission = _submission(case)
    finished = not case.is_open
    return {
        "service_request_id": case.reference,
        "status": "closed" if finished else "open",
        "status_notes": _status_notes(case, api_key),
        "service_name": _name(case.category),
        "service_code": selectors.service_code(case.category),
        "description": case.description[:4000],
        "agency_responsible": case.agency.name,
        "service_notice": _notice(case.category),
        "requested_datetime": w3c(case.received_at),
        "updated_datetime": w3c(
            (case.closed_at or case.resolved_at) if finished else case.updated_at
        ),
        "expected_datetime": w3c(case.reply_due_at),
        "address": case.address or None,
        "address_id": (submission.address_id or None) if submission else None,
        "zipcode": None,
        "lat": float(case.latitude) if case.latitude is not None else None,
        "long": float(case.longitude) if case.longitude is not None else None,
        "media_url": (submission.media_url or None) if submission else None,
    }


def _requests(fmt: str, cases, status: int = 200, api_key: ApiKey | None = None):
    return respond(fmt, [_request(c, api_key) for c in cases], root="service_requests",
                   item="request", status=status)  # fmt: skip


# --- endpoints ------------------------------------------------------------------------------
@open311("GET")
def discovery(request, *, fmt: str):
    base = request.build_absolute_uri("/open311/v2")
    data = {
        "changeset": CHANGESET,
        "contact": settings.CIVICDESK_OPEN311_CONTACT or settings.DEFAULT_FROM_EMAIL,
        "key_service": _("Ask the city's administrator for an api_key."),
        "endpoints": [
            {
                "specification": SPEC,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, data, root="discovery")


@open311("GET")
def services(request, *, fmt: str):
    agency = _jurisdiction(request)
    data = [_service(c) for c in selectors.service_list(agency=agency)]
    return respond(fmt, data, root="services", item="service")


@open311("GET")
def service_definition(request, code: str, *, fmt: str):
    category = selectors.service_get(code=code, agency=_jurisdiction(request))
    if category is None:
        raise Open311Error(404, _("service_code %(code)s not found.") % {"code": code[:60]})
    data = {
        "service_code": selectors.service_code(category),
        "attributes": [_attribute(a) for a in category.open311_attributes.all()],
    }
    return respond(fmt, data, root="service_definition")


@open311("GET", "POST")
def requests(request, *, fmt: str):
    if request.method == "POST":
        return _post_request(request, fmt)
    agency = _jurisdiction(request)
    api_key = selectors.api_key_get(_param(request, "api_key"))  # optional here
    cases = selectors.request_list(agency=agency, replies=api_key is not None)
    ids = [i.strip() for i in _param(request, "service_request_id").split(",") if i.strip()]
    if ids:  # the spec: a list of ids overrides every other filter
        return _requests(fmt, cases.filter(reference__in=ids[:MAX_RESULTS]), api_key=api_key)
    start, end = _window(request)
    cases = cases.filter(received_at__gte=start, received_at__lte=end)
    codes = [c.strip() for c in _param(request, "service_code").split(",") if c.strip()]
    if codes:
        categories = [selectors.service_get(code=c, agency=agency) for c in codes[:50]]
        cases = cases.filter(category__in=[c for c in categories if c is not None])
    statuses = {s.strip().lower() for s in _param(request, "status").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status must be open, closed or both."))
    if statuses == {"open"}:
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        cases = cases.exclude(status__in=OPEN_STATUSES)
    page_size = _positive(request, "page_size", MAX_RESULTS, MAX_RESULTS)
    page = _positive(request, "page", 1, 100000)
    offset = (page - 1) * page_size
    return _requests(fmt, cases[offset : offset + page_size], api_key=api_key)


def _post_request(request, fmt: str):
    api_key = _api_key(request)
    code = _param(request, "service_code")
    if not code:
        raise Open311Error(400, _("service_code is required."))
    category = selectors.service_get(code=code, agency=_jurisdiction(request))
    if category is None:
        raise Open311Error(404, _("service_code %(code)s not found.") % {"code": code})
    lat, long = _location(request)
    data = RequestIn(
        description=_param(request, "description"),
        lat=lat,
        long=long,
        address=_param(request, "address_string"),
        address_id=_param(request, "address_id"),
        email=_email(_param(request, "email")),
        first_name=_person_name(request, "first_name"),
        last_name=_person_name(request, "last_name"),
        phone=_phone(_param(request, "phone")),
        device_id=_param(request, "device_id"),
        account_id=_param(request, "account_id"),
        media_url=_url(_param(request, "media_url")),
        attributes=_attributes(request),
        media=_media(request),
    )
    key = request.headers.get("Idempotency-Key", "").strip()[:150] or None
    case, submission, created = open311_request_create(
        api_key=api_key, category=category, data=data, idempotency_key=key
    )
    out = [
        {
            "service_request_id": case.reference,
            "token": submission.token,
            "service_notice": _notice(category),
            "account_id": submission.account_id or None,
        }
    ]
    return respond(fmt, out, root="service_requests", item="request",
                   status=201 if created else 200)  # fmt: skip


@open311("GET")
def request_detail(request, service_request_id: str, *, fmt: str):
    api_key = selectors.api_key_get(_param(request, "api_key"))  # optional here
    case = (
        selectors.request_list(agency=_jurisdiction(request), replies=api_key is not None)
        .filter(reference=service_request_id[:30])
        .first()
    )
    if case is None:
        raise Open311Error(
            404, _("service_request_id %(id)s not found.") % {"id": service_request_id[:30]}
        )
    return _requests(fmt, [case], api_key=api_key)


@open311("GET")
def token(request, token_id: str, *, fmt: str):
    submission = Submission.objects.select_related("case").filter(token=token_id[:40]).first()
    if submission is None:
        raise Open311Error(404, _("token %(id)s not found.") % {"id": token_id[:40]})
    data = [{"service_request_id": submission.case.reference, "token": submission.token}]
    return respond(fmt, data, root="service_requests", item="request")


@open311("GET", "POST")
def updates(request, *, fmt: str):
    api_key = _api_key(request)
    agency = _jurisdiction(request)
    if request.method == "POST":
        return _post_update(request, fmt, api_key)
    start, end = _window(request)
    # A client following its own requests names them, as in GET requests.json.
    ids = [i.strip() for i in _param(request, "service_request_id").split(",") if i.strip()]
    found = selectors.update_list(api_key=api_key, start=start, end=end, agency=agency,
                                  references=ids[:MAX_RESULTS])  # fmt: skip
    page_size = _positive(request, "page_size", MAX_RESULTS, MAX_RESULTS)
    offset = (_positive(request, "page", 1, 100000) - 1) * page_size
    if _param(request, "start_date"):  # from start_date on: a client pages forward
        events = list(found[offset : offset + page_size])
    else:  # the latest updates (page 2: those before them), still oldest first
        events = list(found.reverse()[offset : offset + page_size])[::-1]
    media = dict(
        Update.objects.filter(event__in=events)
        .exclude(media_url="")
        .values_list("event_id", "media_url")
    )
    replies = _reply_words(events)
    moved_to = {
        agency.code: agency.display_name
        for agency in Agency.objects.filter(
            code__in={e.data.get("to") for e in events if e.action == "transferred"}
        )
    }
    data = [
        {
            "update_id": str(event.pk),
            "service_request_id": event.case.reference,
            "status": _open_or_closed(event),
            "external_status_code": "transferred"
            if event.action == "transferred"
            else event.data.get("to") or event.case.status,
            "updated_datetime": w3c(event.at),
            # A transfer's reason is the staff's: the public read who holds the request now.
            "description": _("Transferred to %(agency)s")
            % {"agency": moved_to.get(event.data.get("to"), event.data.get("to"))}
            if event.action == "transferred"
            else replies.get(event.pk) or event.text or _status_label(event) or event.label,
            "media_url": media.get(event.pk),
        }
        for event in events
    ]
    return respond(fmt, data, root="service_request_updates", item="request_update")


def _reply_words(events) -> dict[int, str]:
    """Each reply event's words: the message to the citizen written just before it, in the same
    transaction (the case row is locked while replying). One query for the page."""
    replied = [e for e in events if e.action == "replied"]
    if not replied:
        return {}
    sent = defaultdict(list)
    found = selectors.citizen_replies().filter(
        case_id__in={e.case_id for e in replied}, at__lte=max(e.at for e in replied)
    )
    for case_id, at, body in found.values_list("case_id", "at", "body"):
        sent[case_id].append((at, body))
    words = {}
    for event in replied:
        before = [body for at, body in sent[event.case_id] if at <= event.at]
        if before:
            words[event.pk] = Truncator(before[-1].strip()).chars(UPDATE_DESCRIPTION_LENGTH)
    return words


def _status_label(event) -> str:
    """A status change without words of its own (one made with a staff reply, say) is described
    by the status it moved to, so that a client's feed never shows an empty update."""
    to = event.data.get("to") or ""
    return str(CaseStatus(to).label) if to in CaseStatus.values else ""


def _open_or_closed(event) -> str:
    if event.action == "transferred":  # the request goes on, with another agency
        return "open"
    status = event.data.get("to") or event.case.status
    return "closed" if status in (CaseStatus.RESOLVED, CaseStatus.CLOSED) else "open"


def _post_update(request, fmt: str, api_key: ApiKey):
    required = {n: _param(request, n) for n in ("update_id", "service_request_id", "status")}
    missing = [n for n, v in required.items() if not v]
    if missing:
        raise Open311Error(400, _("%(names)s required.") % {"names": ", ".join(missing)})
    _instant(request, "updated_datetime")  # checked; the time of record is when it arrives
    update, _created = open311_update_create(
        api_key=api_key,
        reference=required["service_request_id"],
        status=required["status"],
        description=_param(request, "description")[:5000],
        client_update_id=required["update_id"],
        media_url=_url(_param(request, "media_url")),
    )
    data = [{"update_id": str(update.event_id)}]
    return respond(fmt, data, root="service_request_updates", item="request_update")
