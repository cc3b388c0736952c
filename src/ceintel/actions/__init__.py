"""Data action plans: one per agency and one for the partnership, with suggested actions and their history.

Suggestions (:mod:`ceintel.actions.suggest`) are plain data made from
low-scoring maturity answers, from differences between answers and measured
evidence, and from the data quality profile; a person decides which become
actions in a plan (:mod:`ceintel.actions.plans`), where every change is kept
as an update.
"""
