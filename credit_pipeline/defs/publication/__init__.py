"""Publication of the marts as one atomic release."""
