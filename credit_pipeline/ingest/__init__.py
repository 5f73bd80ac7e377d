"""Ingestion of departmental deliveries into the warehouse's raw layer."""
