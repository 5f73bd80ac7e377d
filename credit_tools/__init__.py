"""Tools around the pipeline, not part of its code location: the demo feed generator and the benchmarks."""
