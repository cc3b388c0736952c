"""One writer per agency; each turns the hidden story into that agency's own export.

The registry order is the order writers are made; a writer may look at the
ones made before it through ``peers`` (Annex A reads the social care record
numbers, because both come from the council's case management system).
"""

from __future__ import annotations

from ceintel.synth.agencies.annex_a import AnnexA
from ceintel.synth.agencies.base import Agency
from ceintel.synth.agencies.early_help import EarlyHelp
from ceintel.synth.agencies.education import Education
from ceintel.synth.agencies.health import Health
from ceintel.synth.agencies.mace import Mace
from ceintel.synth.agencies.police import Police
from ceintel.synth.agencies.social_care import SocialCare
from ceintel.synth.agencies.voluntary import Voluntary
from ceintel.synth.agencies.youth_justice import YouthJustice

REGISTRY: list[type[Agency]] = [SocialCare, Police, Health, EarlyHelp, YouthJustice, Education, Voluntary, Mace,
                                AnnexA]
