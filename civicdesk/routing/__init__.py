"""Routing intelligence: learn from each agency's routed and corrected cases where new ones go.

Entry points for other apps (the cases app in particular):
- `routing.adapters.routing_examples(*, agency=None)`: the training history; wire it to Case.
- `routing.adapters.resolved_cases` / `open_cases` (registered corpora "resolved" and "open"):
  the documents `similar_cases` and `likely_duplicates` search; wire them to Case too.
- `routing.suggestions.routing_suggest(*, agency, text, kind, channel, category_hint,
  location_hint) -> Suggestion`: top-3 with calibrated confidence, `auto_route`, `terms`.
  Never raises for a citizen's input; no model or no text means triage.
- `routing.suggestions.similar_cases(...)`, `likely_duplicates(...)`.
- `routing.services.model_version_request/_train/_promote/_rollback`, `routing_policy_update`.
"""
