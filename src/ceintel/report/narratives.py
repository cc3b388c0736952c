"""Practice narratives beside the numbers they explain: matched by target, placed once, never altered.

A narrative targets an indicator, a theme, an analysis, a period or the
partnership. Sections ask for the narratives of what they show
(:meth:`NarrativeIndex.take`); whatever no section took is shown with the key
messages, so nothing a practitioner wrote is lost. The language check ran
when each was saved; its findings are listed again for the editor in the
report's "language notes", and the text is shown as the author wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ceintel.language import check_text
from ceintel.report.model import NarrativeView


def _findings(text: str) -> list[str]:
    return [f'"{f.phrase}": {f.why} Consider: {"; ".join(f.suggestions)}' for f in check_text(text)]


@dataclass
class NarrativeIndex:
    rows: list[dict]
    period: str | None = None
    placed: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def _view(self, r: dict) -> NarrativeView:
        findings = _findings(r["text"])
        title = r.get("title") or "Practice narrative"
        for f in findings:
            self.notes.append(f"{title} ({r.get('author_role') or r['author']}): {f}")
        written = r["created_at"].strftime("%-d %B %Y") if r.get("created_at") else ""
        role = (r.get("author_role") or "").replace("_", " ")
        return NarrativeView(title, r["text"], r["author"], role, written,
                             f"{r['target_kind']}: {r['target_id']}", findings)

    def _applies(self, r: dict) -> bool:
        """A narrative written for another period is left out; one for no period applies to any."""
        return not r.get("period") or self.period is None or r["period"] == self.period

    def take(self, kind: str, *ids: str) -> list[NarrativeView]:
        """The narratives for these targets not placed yet (each is placed once)."""
        out = []
        for r in self.rows:
            if r["key"] in self.placed or r["target_kind"] != kind or str(r["target_id"]) not in ids:
                continue
            if not self._applies(r):
                continue
            self.placed.add(r["key"])
            out.append(self._view(r))
        return out

    def rest(self) -> list[NarrativeView]:
        """Everything not placed by a section (for the key messages)."""
        out = []
        for r in self.rows:
            if r["key"] not in self.placed and self._applies(r):
                self.placed.add(r["key"])
                out.append(self._view(r))
        return out
