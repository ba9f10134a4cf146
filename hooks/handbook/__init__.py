"""Continuity Handbook: loads continuity plans kept as YAML data, validates them and renders the handbook.

The package never imports MkDocs; ``hooks/handbook_hooks.py`` adapts MkDocs events to it.
"""

__version__ = "0.1.0"
