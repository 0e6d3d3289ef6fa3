"""Benchmarks of the BAS-IP integration inside Home Assistant's test harness."""
