"""One writer per agency; each turns the hidden story into that agency's own export.

The registry order is the order writers are made; a writer may look at the
ones made before it through ``peers`` (Annex A reads the social care record
numbers, because both come from the council's case management system).
"""

from __future__ import annotations

from ceintel.synth.agencies.base import Agency
from ceintel.synth.agencies.social_care import SocialCare

REGISTRY: list[type[Agency]] = [SocialCare]
