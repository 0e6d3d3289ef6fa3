"""Development tooling shared by the tests, the scripts and the benchmark.

Real-time waits (``waits``) and Home Assistant's freezable clock for simulated
devices (``clocks``), child processes and local HTTP (``processes``), the
simulator plus a real Home Assistant driven over HTTP (``hass_runner``,
``hass_client``), Home Assistant's HTTP app served inside the test harness for
push (``served_http``), and the demo stack that starts and sets up both for the
demo, the screenshots and the end-to-end test (``stack``). The dependency runs
one way: ``tests/``, ``scripts/`` and ``benchmarks/`` import from here, and
nothing here imports from them.
"""
