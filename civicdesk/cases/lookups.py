"""Rows every intake request reads and staff change rarely: the intake key with its agency, and
the category with its department and standard. Kept per process for a few seconds
(`civicdesk.core.localcache`), so that creating a case does not pay two look-ups each time.

A change saved in this process applies at once (signals clear the caches); one saved by
another process applies within CACHE_SECONDS — a revoked intake key stops working then.
"""

from __future__ import annotations

import copy

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from civicdesk.cases.models import Category, IntakeKey, ServiceStandard
from civicdesk.core.localcache import LocalCache
from civicdesk.organisations.models import Agency, Department, StaffProfile
from civicdesk.organisations.roles import Role

CACHE_SECONDS = 10.0

_intake_keys: LocalCache[IntakeKey] = LocalCache("cases.intake_keys", ttl=CACHE_SECONDS)
_categories: LocalCache[Category] = LocalCache("cases.categories", ttl=CACHE_SECONDS)
_assignable: LocalCache[list[StaffProfile]] = LocalCache("cases.assignable", ttl=CACHE_SECONDS)
ASSIGNABLE_ROLES = (Role.FRONTLINE, Role.TEAM_LEAD)


def intake_key_active(key_hash: str) -> IntakeKey | None:
    """The active intake key with this hash (its agency loaded), or None."""
    found = _intake_keys.get_or_load(
        key_hash,
        lambda: (
            IntakeKey.objects.select_related("agency")
            .filter(key_hash=key_hash, is_active=True)
            .first()
        ),
    )
    if found is not None:
        found.agency = copy.copy(found.agency)  # this request's own copy, as the key's
    return found


def category_active(agency: Agency, code: str) -> Category | None:
    """The agency's active category with this code (department and standard loaded), or None."""
    found = _categories.get_or_load(
        (agency.pk, code),
        lambda: (
            Category.objects.filter(agency=agency, code=code, is_active=True)
            .select_related("department", "standard")
            .first()
        ),
    )
    if found is not None:
        found.department = copy.copy(found.department)
        found.standard = copy.copy(found.standard)
    return found


def assignable_staff(department_id: int) -> list[StaffProfile]:
    """The active front-line officers and team leads of a department (who may be given its cases
    automatically), in id order; an empty list when it has none."""
    found = _assignable.get_or_load(
        department_id,
        lambda: list(
            StaffProfile.objects.filter(
                departments=department_id, role__in=ASSIGNABLE_ROLES, user__is_active=True
            ).order_by("id")
        ),
    )
    return [copy.copy(profile) for profile in found]


for model in (IntakeKey, Agency):
    post_save.connect(_intake_keys.clear, sender=model, dispatch_uid=f"intake_keys.{model}")
    post_delete.connect(_intake_keys.clear, sender=model, dispatch_uid=f"intake_keys.d.{model}")
for model in (Category, ServiceStandard, Department, Agency):
    post_save.connect(_categories.clear, sender=model, dispatch_uid=f"categories.{model}")
    post_delete.connect(_categories.clear, sender=model, dispatch_uid=f"categories.d.{model}")
for model in (StaffProfile, Department, settings.AUTH_USER_MODEL):
    post_save.connect(_assignable.clear, sender=model, dispatch_uid=f"assignable.{model}")
    post_delete.connect(_assignable.clear, sender=model, dispatch_uid=f"assignable.d.{model}")
m2m_changed.connect(
    _assignable.clear, sender=StaffProfile.departments.through, dispatch_uid="assignable.m2m"
)
