"""pcnbot's speed and quality benchmarks (`make bench`; results in bench/RESULTS.md)."""
