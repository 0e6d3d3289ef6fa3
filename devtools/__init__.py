"""Development tooling shared by the tests, the scripts and the benchmark.

Real-time waits (``waits``), child processes and local HTTP (``processes``),
and the simulator plus a real Home Assistant driven over HTTP
(``hass_runner``). The dependency runs one way: ``tests/``, ``scripts/`` and
``benchmarks/`` import from here, and nothing here imports from them.
"""
