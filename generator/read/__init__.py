"""Reading: the content folder's YAML files into plain values that remember their positions.

Takes a content folder; gives a `Content` of parsed documents, or a problem per file that cannot
be read or parsed. Nothing is checked against the schema yet.
"""
