"""Mock Moodle + SENCE test server."""

__version__ = "0.1.0"
