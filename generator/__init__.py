"""The briefing-site generator: curated YAML records to a static briefing website through MkDocs.

The subpackages are the stages of the pipeline, in order; a module imports only from its own
stage and earlier ones (tests/test_imports.py):

- `content`: the one definition of the content (field and record types);
- `read`: the content folder's YAML files to parsed documents, and their cache;
- `dataset`: the records as one immutable dataset, its indexes, timelines and history;
- `check`: documents against the schema, references between records, drafts;
- `pages`: the dataset through Jinja templates to pages, search index and linked data;
- `export`: the dataset as JSON, CSV, Popolo, iCalendar and Atom files;
- `build.py`: the stages above in one call; `incremental`: building again from a kept state;
- `mkdocs`: the MkDocs plugin, the dev server's preview, publishing the site;
- `authoring`: scaffolds for new records and the field reference of the authoring guide;
- `cli.py`: the `briefing` command. `errors.py` and `urls.py` serve every stage.
"""
