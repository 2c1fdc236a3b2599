"""Benchmarks behind `civicdesk bench NAME`. Each module here with a `run(options) -> dict`
and an optional `add_arguments(parser)` is a benchmark; it prints exactly one JSON object."""
