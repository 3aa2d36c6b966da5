"""Tasks for moderation and freshness mails to partners."""
