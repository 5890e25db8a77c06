"""A clipping to store directly (the storage tests that need one without an import)."""

from __future__ import annotations

import hashlib

from clippings.model import Extracted
from clippings.storage import NewClipping


def clipping(text: str, title: str = "Harbour reopens") -> NewClipping:
    """A text clipping as an import would hand it to the store."""
    data = text.encode()
    return NewClipping(
        extracted=Extracted(text=text, format="text", title=title),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        original_name="harbour.txt",
        text_hash=hashlib.sha256(text.lower().encode()).hexdigest(),
        word_count=len(text.split()),
    )


__all__ = ["clipping"]
