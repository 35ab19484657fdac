"""`flask feedback ...` commands."""
