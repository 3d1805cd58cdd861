"""The pytest plugin (sandbox/pytest_plugin.py), run inside pytest sessions of its own."""
