"""The MkDocs theme `briefing`: the `mkdocs.themes` entry point names this package, and MkDocs
takes its folder as the theme's (mkdocs_theme.yml holds the theme's settings)."""
