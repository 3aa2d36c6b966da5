"""Tasks of the vragen app."""
