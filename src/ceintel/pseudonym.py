"""Keyed pseudonyms: the one way identifiers become keys analysts may see.

HMAC-SHA-256 with the workspace secret, so nobody without the secret can
recompute a pseudonym from a name or a record number, and the same input
always gives the same pseudonym while the secret is kept.
"""

from __future__ import annotations

import hmac


def pseudonym(secret: bytes, *parts: str, length: int = 16) -> str:
    """A stable keyed pseudonym of the joined parts (hex, ``length`` characters)."""
    message = "\x1f".join(parts).encode("utf-8")
    return hmac.digest(secret, message, "sha256").hex()[:length]
