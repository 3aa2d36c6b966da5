"""Admin for invitations (filled in by the partners' portal work).

Imported at the end of partners/admin.py.
"""
