"""Clippings: a desktop archive for press clippings."""

__version__ = "0.1.0"
