"""The device's state, by subject: each component keeps its own invariants.

:class:`~simulator.server.DeviceSimulator` composes them (with the event log,
:mod:`simulator.log`) and dispatches requests to them; the device endpoints
(:mod:`simulator.api`) and the control table (:mod:`simulator.control`) call
them through the device.

- :mod:`.auth`: passwords, tokens and login counts;
- :mod:`.sip`: SIP settings, registration and SIP on/off;
- :mod:`.doors`: the door contact, lock releases and emergency holds;
- :mod:`.camera`: snapshots and RTSP settings;
- :mod:`.system`: identity (serial) and reboots;
- :mod:`.traffic`: request counts, the answer delay and injected faults;
- :mod:`.webhooks`: webhook entries and their deliveries (``webhook_entry``,
  ``webhook_delivery``, ``webhook_wire``).
"""
