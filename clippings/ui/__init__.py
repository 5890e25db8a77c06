"""The desktop window (PySide6): a thin layer over ``clippings.services``.

The only package that imports Qt (with ``clippings.app``, the composition root).
"""
