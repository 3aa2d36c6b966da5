"""Tasks for registrations: confirmations, reminders, waiting list, retention."""
