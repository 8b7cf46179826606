"""Aids for editors: scaffolds of new records and the authoring guide's field reference.

Takes the schema and the content folder; gives YAML scaffolds valid as written and the reference
text, both in the same words.
"""
