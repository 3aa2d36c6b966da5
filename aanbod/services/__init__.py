"""Use cases that write: one function per use case, `<noun>_<verb>`, keyword-only.

Each docstring names its side effects.
"""
