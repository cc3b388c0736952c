"""The language check: words that blame a child for harm done to them (DESIGN principle 2).

    >>> from ceintel.language import check_text
    >>> [f.rule_id for f in check_text("She was putting herself at risk.")]
    ['putting_self_at_risk']

The rules are data (``rules.yaml``, described in ``docs/language.md``); the
functions here take text and return findings, so the report, the narratives
and the indicator registry can all use them.
"""

from ceintel.language.check import Finding, check_file, check_labels, check_lines, check_text
from ceintel.language.rules import Rule, RuleSet, load_rules, parse_rules

__all__ = ["Finding", "Rule", "RuleSet", "check_file", "check_labels", "check_lines", "check_text",
           "load_rules", "parse_rules"]
