"""Flat rows of stored staffing advice, for the CLI table/CSV and the page's download."""

from __future__ import annotations

HEADER = [
    "day",
    "time",
    "service",
    "forecast_arrivals",
    "required",
    "erlang",
    "erlang_level",
    "simulated_level",
    "simulated_level_one_fewer",
    "planned",
    "gap",
]


def advice_rows(result: dict) -> tuple[list[str], list[list]]:
    names = {info["id"]: info["name"] for info in result.get("services", [])}
    rows = []
    for row in result.get("rows", []):
        rows.append(
            [
                row["day"],
                row["time"],
                names.get(row["service"], row["service"]),
                row["forecast"],
                row["required"],
                row["erlang"],
                row["erlang_level"],
                row["simulated_level"],
                "" if row["simulated_one_fewer"] is None else row["simulated_one_fewer"],
                "" if row["planned"] is None else row["planned"],
                "" if row["gap"] is None else row["gap"],
            ]
        )
    rows.sort(key=lambda r: (r[0], r[1], str(r[2])))
    return HEADER, rows
