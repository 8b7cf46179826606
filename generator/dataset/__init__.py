"""The dataset and its indexes: the records as one immutable value, timelines and history.

Takes validated records; gives the `Dataset` that checking hands on, the indexes pages need
(who appears where, which facts cite which source), spans of dates and the content's git history.
"""
