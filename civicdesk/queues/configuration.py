"""Setting up a site's queues: services and counters. Agency admins (organisation write) only."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.audit.services import audit_record
from civicdesk.core.errors import ValidationFailed
from civicdesk.organisations.permissions import Access, Area, Target, require
from civicdesk.queues.models import Counter, Service

SERVICE_FIELDS = [
    "name",
    "names",
    "description",
    "prefix",
    "default_service_minutes",
    "priority_run",
    "max_recalls",
    "recall_gap_seconds",
    "appointments_enabled",
    "slot_minutes",
    "slot_capacity",
    "late_grace_minutes",
    "is_active",
]


def require_setup(actor, site) -> None:
    require(
        actor, Area.ORGANISATION, Access.WRITE, Target(agency_id=site.agency_id, site_id=site.id)
    )


def _clean(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        messages = error.message_dict
        raise ValidationFailed(
            next(iter(messages.values()))[0], errors={k: v[0] for k, v in messages.items()}
        ) from error


@transaction.atomic
def service_save(*, actor, site, service: Service | None = None, **fields) -> Service:
    """Create a service at `site`, or change one. Unknown fields are ignored."""
    require_setup(actor, site)
    if service is not None and service.site_id != site.id:
        raise ValidationFailed(_("That service is at another site."))
    service = service or Service(site=site)
    before = {name: getattr(service, name) for name in SERVICE_FIELDS} if service.pk else {}
    for name in SERVICE_FIELDS:
        if name in fields:
            setattr(service, name, fields[name])
    service.prefix = (service.prefix or "").upper()
    if Service.objects.filter(site=site, prefix=service.prefix).exclude(pk=service.pk).exists():
        raise ValidationFailed(
            _("Another service here already uses the letter %(letter)s.")
            % {"letter": service.prefix},
            errors={"prefix": _("Choose a letter no other service here uses.")},
        )
    _clean(service)
    created = service.pk is None
    service.save()
    changed = {
        name: [before.get(name), getattr(service, name)]
        for name in SERVICE_FIELDS
        if before.get(name) != getattr(service, name)
    }
    audit_record(
        actor=actor,
        action="queue_service.create" if created else "queue_service.update",
        target=service,
        agency=site.agency,
        data={"changes": changed},
    )
    return service


@transaction.atomic
def counter_save(
    *,
    actor,
    site,
    counter: Counter | None = None,
    name: str,
    services: list[Service],
    is_active: bool = True,
) -> Counter:
    require_setup(actor, site)
    if counter is not None and counter.site_id != site.id:
        raise ValidationFailed(_("That counter is at another site."))
    if any(service.site_id != site.id for service in services):
        raise ValidationFailed(_("A counter can only serve services of its own site."))
    counter = counter or Counter(site=site)
    counter.name, counter.is_active = name.strip(), is_active
    if Counter.objects.filter(site=site, name=counter.name).exclude(pk=counter.pk).exists():
        raise ValidationFailed(
            _("There is already a counter %(name)s here.") % {"name": counter.name},
            errors={"name": _("Choose a name no other counter here has.")},
        )
    _clean(counter)
    created = counter.pk is None
    counter.save()
    counter.services.set(services)
    audit_record(
        actor=actor,
        action="counter.create" if created else "counter.update",
        target=counter,
        agency=site.agency,
        data={"name": counter.name, "services": [s.prefix for s in services]},
    )
    return counter
