"""Checking: every document against the schema, then every reference between records.

Takes the `Content` that reading gives; gives a `Dataset` and every problem at once, each at its
file, line and column, with drafts and placeholders told apart.
"""
