"""Ingest: any agency export, by configuration, into canonical records — nothing lost.

A source YAML (``sources/<name>.yaml``) says how an agency's columns and codes
map onto the canonical model; :mod:`ceintel.ingest.engine` turns that mapping
into SQL that DuckDB runs over the extract. Rows that fail a check go to
``quarantine/<source>.csv`` with their reason; the rest load.
"""
