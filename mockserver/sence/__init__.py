"""The fake SENCE attendance service (RCE) and the Moodle-side SENCE course gate."""
