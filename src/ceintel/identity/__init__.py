"""The identity step: agency records linked into people, under stable keyed pseudonyms."""
