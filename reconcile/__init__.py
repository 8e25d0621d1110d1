"""reconcile: find the editions of one text in a folder, align them, and merge them."""

from .config import Config

__version__ = "0.1.0"
__all__ = ["Config", "__version__"]
