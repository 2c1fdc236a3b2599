"""Status workflows declared as data: a table of allowed moves and one check that raises."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from civicdesk.core.errors import IllegalTransition


@dataclass(frozen=True)
class Workflow:
    name: str
    moves: Mapping[str, frozenset[str]]

    @classmethod
    def declare(cls, name: str, moves: Mapping[str, Iterable[str]]) -> Workflow:
        return cls(name=name, moves={src: frozenset(dst) for src, dst in moves.items()})

    def allowed(self, current: str) -> frozenset[str]:
        return self.moves.get(current, frozenset())

    def check(self, current: str, target: str) -> None:
        """Raise IllegalTransition (a 409 with a message) unless current -> target is allowed."""
        if target not in self.allowed(current):
            raise IllegalTransition(
                _("A %(what)s cannot go from %(current)s to %(target)s.")
                % {"what": self.name, "current": current, "target": target},
                current=current,
                target=target,
            )
