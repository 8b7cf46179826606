"""The one definition of the content: field types, record types, citations and sources.

Takes nothing from the other stages; every later stage reads its records' shapes from here, and
the JSON Schema and the authoring guide's field reference are generated from it.
"""
