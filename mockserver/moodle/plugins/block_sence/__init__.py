"""block_sence: the OTEC's SENCE attendance block (sence-rce.md §6); PLUGIN is in plugin.py."""
