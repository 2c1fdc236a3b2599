from civicdesk.audit.services import audit_seal
from civicdesk.core.periodic import register


@register("audit.seal", every_seconds=10)
def seal_pending() -> None:
    """Seal whatever an after-commit seal missed (a crash between commit and seal)."""
    audit_seal()
