"""Observability: Prometheus metrics (the multiprocess directory, labels, business gauges) and log setup."""
