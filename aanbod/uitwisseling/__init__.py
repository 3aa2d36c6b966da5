"""Exchange with other systems: publishing to UiTdatabank through a durable outbox (see services.py)."""
