"""Admin for invitations (the partners' portal issue fills this in); imported at the end of partners/admin.py."""
