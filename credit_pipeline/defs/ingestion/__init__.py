"""Ingestion of the feed drop: one asset per feed folder, its blocking checks, and the sensors on the drop."""
