"""Shared backends of the store contract (``mockserver.world.runtime``): state several processes use."""
