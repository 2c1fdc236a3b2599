from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FRONTLINE = "frontline", _("Frontline officer")
    TEAM_LEAD = "team_lead", _("Team lead")
    QSM = "qsm", _("Quality service manager")
    AGENCY_ADMIN = "agency_admin", _("Agency admin")
    TRAINER = "trainer", _("Trainer")
    EXECUTIVE = "executive", _("Executive viewer")
    SYSTEM_ADMIN = "system_admin", _("System admin")


# Roles whose accounts must pass TOTP two-factor before they reach any staff page.
TWO_FACTOR_ROLES = frozenset({Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN})
