"""Redeployment: short and spare per half-day, greedy moves respecting who may serve what."""

from civicdesk.insights.redeploy import Need, block_needs, greedy_moves


def _rows(service, pairs, day="2026-06-01"):
    return [
        {"service": service, "day": day, "time": t, "planned": p, "required": r}
        for t, p, r in pairs
    ]


def test_block_needs_take_the_worst_interval():
    rows = _rows(1, [("09:00", 2, 1), ("10:00", 2, 3), ("14:00", 3, 1), ("15:00", 3, 2)])
    needs = block_needs(rows, site=7)
    (am,) = needs[("2026-06-01", "am")]
    (pm,) = needs[("2026-06-01", "pm")]
    assert (am.short, am.spare) == (1, 0)
    assert (pm.short, pm.spare) == (0, 1)


def test_moves_close_the_most_gap_within_skills():
    needs = {
        ("2026-06-01", "am"): [
            Need(site=1, service=10, short=3),  # site 1, passports: 3 short
            Need(site=2, service=20, spare=2),  # site 2, passports too: 2 spare
            Need(site=1, service=11, spare=1),  # site 1, licences: 1 spare, shares a counter
            Need(site=3, service=30, spare=5),  # site 3, parking: cannot serve passports
        ]
    }
    can = {(11, 10), (20, 10)}
    plan = greedy_moves(needs, lambda s, t: (s.service, t.service) in can)
    assert plan.short_before == 3 and plan.short_after == 0 and plan.gap_closed == 3
    # Same site first, then the other site.
    assert [(m.from_service, m.to_service, m.staff) for m in plan.moves] == [
        (11, 10, 1),
        (20, 10, 2),
    ]


def test_nothing_to_move_when_nobody_may_serve():
    needs = {("d", "am"): [Need(site=1, service=1, short=2), Need(site=2, service=2, spare=4)]}
    plan = greedy_moves(needs, lambda s, t: False)
    assert plan.moves == [] and plan.short_after == 2 and plan.share_closed == 0
