"""Validation rules after the shape of each file is known: one module per family of rules.

Each rule is a generator of Problems over typed records; ``handbook.check`` runs them in order.
"""
