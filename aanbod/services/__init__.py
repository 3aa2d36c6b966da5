"""Use cases that write: one function per use case, `<noun>_<verb>`, keyword-only, side effects in the docstring."""
