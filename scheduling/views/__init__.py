"""Pages of the scheduling app (one module per feature)."""
