"""auth_userkey: one-time login keys minted over web services (auth-userkey.md); PLUGIN is in plugin.py."""
