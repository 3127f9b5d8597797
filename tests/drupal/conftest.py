from tests.drupal.helpers import world

__all__ = ["world"]
