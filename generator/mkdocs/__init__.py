"""The MkDocs adapter: the plugin that adds the pipeline's pages, the dev server's preview, publishing.

Takes a MkDocs configuration; gives a built site, swapped into place only when the build succeeds.
"""

import logging

LOG = logging.getLogger("mkdocs.plugins.briefing")
"""The plugin's messages: a logger under MkDocs' own, so they show as MkDocs' do and follow its
verbosity. MkDocs' strict mode counts its warnings: a warning stops a strict build."""
