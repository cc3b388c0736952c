"""The data maturity self-assessment: a questionnaire as data, scores by domain, and measured evidence.

    questionnaire.yaml   the items, five levels each, and which measures evidence them (versioned)
    questionnaire        loads and checks it
    scoring              answers → domain scores, agency and partnership profiles, change between rounds
    measures             facts measured from each agency's own extracts in the warehouse
    evidence             answers beside measured facts; differences worth talking through
    exchange             answers in and out as YAML or Excel
    storage              answers in the app state store
    radar                the radar chart (SVG)
    summary              a workspace's whole picture, for the command line, report and web app
    cli                  ``ceintel maturity`` and ``ceintel actions``

Scores describe where an agency says its data is, to show different starting
points and change over time; they are not a grade, and measured facts are
conversation starters, never verdicts.
"""
