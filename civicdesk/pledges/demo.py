"""Harbour City's published pledges, measured from the demo history. Idempotent."""

from __future__ import annotations

from civicdesk.organisations.models import Agency, StaffProfile
from civicdesk.organisations.roles import Role
from civicdesk.pledges.compute import recompute_pledge
from civicdesk.pledges.models import Pledge

# agency: (metric, target, threshold, extra fields)
PLEDGES = {
    "HSG": [
        ("tickets_within", 90, 20, {"exclusions": ["appointments", "no_show"]}),
        ("cases_reply_within", 95, 10, {"case_kind": "complaint", "clock_start": "receipt"}),
        ("cases_ack_within", 95, None, {}),
        ("wait_p90", 30, None, {}),
        ("csat", 85, None, {}),
        ("appointments_on_time", 90, 10, {}),
    ],
    "TRN": [
        ("tickets_within", 90, 20, {"exclusions": ["appointments", "no_show"]}),
        ("cases_reply_within", 95, 10, {"case_kind": "complaint", "clock_start": "receipt"}),
        ("wait_mean", 15, None, {}),
        ("nps", 20, None, {"period": "quarter"}),
    ],
    "ENV": [
        ("tickets_within", 85, 20, {"exclusions": ["no_show"]}),
        ("cases_reply_within", 90, None, {"exclusions": ["compliments"]}),
        ("cases_first_contact", 30, None, {}),
        ("csat", 85, None, {}),
        ("ces", 70, None, {"period": "quarter"}),
    ],
}
CLOCKS = {
    "tickets_within": "joined",
    "wait_mean": "joined",
    "wait_p90": "joined",
    "appointments_on_time": "slot",
    "csat": "answered",
    "nps": "answered",
    "ces": "answered",
}


def load(*, stdout, stderr) -> None:
    made = 0
    for code, specs in PLEDGES.items():
        agency = Agency.objects.filter(code=code).first()
        if agency is None or Pledge.objects.filter(agency=agency).exists():
            continue
        owner = StaffProfile.objects.filter(agency=agency, role=Role.QSM).first()
        for position, (metric, target, threshold, extra) in enumerate(specs):
            fields = {"period": "month", "clock_start": CLOCKS.get(metric, "standard"), **extra}
            pledge = Pledge.objects.create(
                agency=agency,
                metric=metric,
                target=target,
                threshold=threshold,
                unit=(
                    "minutes"
                    if metric in ("tickets_within", "appointments_on_time")
                    else "working_days"
                    if threshold
                    else ""
                ),
                owner=owner,
                position=position,
                **fields,
            )
            recompute_pledge(pledge)
            made += 1
    if made:
        stdout.write(f"Pledges: {made} pledges measured from the demo history.")
