"""Engine benchmarks. Run `make bench` (PostgreSQL only); see docs/benchmarks.md."""
