"""Deterministic demo feed drop for the platform (SPEC §2).

`generator.generate_drop` writes a whole drop of realistic Jiangsu data with known defects at
known rates (the `generator` package, one module per part of the build); `writers.write_delivery`
writes one delivery file and is also used by tests to write hand-made scenario deliveries.
`reference` loads the real-world code lists the data is drawn from, kept as CSV files in `data/`.
"""
