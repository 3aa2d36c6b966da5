"""Forms of the aanbod app, one module per area."""
