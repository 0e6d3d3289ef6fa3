"""Python modules of the developer scripts: demo, screenshots (with ``screens/``), brand icon."""
