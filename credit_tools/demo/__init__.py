"""Deterministic demo feed drop for the platform (SPEC §2).

`generator.generate_drop` writes a whole drop of realistic Jiangsu data with known defects at
known rates; `writers.write_delivery` writes one delivery file and is also used by tests to write
hand-made scenario deliveries. `reference` holds the real-world code lists the data is drawn from.
"""
