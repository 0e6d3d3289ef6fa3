"""Python modules of the developer scripts: demo, screenshots, brand icon, Home Assistant runner."""
