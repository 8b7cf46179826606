"""The MkDocs adapter: the plugin that adds the pipeline's pages, the dev server's preview, publishing.

Takes a MkDocs configuration; gives a built site, swapped into place only when the build succeeds.
"""
