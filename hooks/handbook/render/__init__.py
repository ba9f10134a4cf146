"""Fourth stage: the validated data set to the handbook's pages, as Markdown for MkDocs.

Templates only lay out; sorting, grouping, duration arithmetic and escaping happen in the view
models of this package. Nothing here imports MkDocs.
"""
