"""The shared core: machinery every app may import, that imports no app (like healthchecks' `hc/lib/`).

See docs/architecture-notes.md, "The shared core".
"""
