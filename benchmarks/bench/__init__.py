"""factdb's benchmarks as a package: data, harness, one module per group of figures."""
