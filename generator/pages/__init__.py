"""Rendering: the dataset through Jinja templates to pages, with their search index and linked data.

Takes a `Dataset`, its index and the page templates; gives pages (source path -> title and HTML)
and the search index. Writes nothing.
"""
