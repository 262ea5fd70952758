"""Credentials on the admin listener: API bearer tokens, and HTTP basic users for the review page.

Programs call the JSON API with a bearer token; people open the review page in a browser, which
can prompt for and resend a user name and password (HTTP basic) but cannot attach a bearer token
by itself, so the page takes either. Every comparison is constant-time, and a user name that does
not exist costs the same as a wrong password, so neither leaks through timing which is which.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping, Sequence

from pydantic import SecretStr

# Compared against when the user name is unknown, so that path costs what a real check costs.
_NOBODY = SecretStr("\0no such user\0")


def bearer_valid(header: str, tokens: Sequence[SecretStr]) -> bool:
    """Whether the ``Authorization`` header value carries one of ``tokens`` as a bearer."""
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    # Every token is compared (no early exit), so timing does not tell how many were tried.
    matches = [hmac.compare_digest(given.encode(), t.get_secret_value().encode()) for t in tokens]
    return any(matches)


def basic_user(header: str, users: Mapping[str, SecretStr]) -> str | None:
    """The user an ``Authorization: Basic`` header value proves to be, or None."""
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "basic" or not users:
        return None
    try:
        decoded = base64.b64decode(given.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    name, colon, password = decoded.partition(":")
    if not colon:
        return None
    expected = users.get(name, _NOBODY)
    valid = hmac.compare_digest(password.encode(), expected.get_secret_value().encode())
    return name if valid and name in users else None


def bearer_name(header: str, named: Mapping[str, SecretStr]) -> str | None:
    """The name of the token among ``named`` (name: token) the header bears, or None."""
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        return None
    found = None
    for name, token in named.items():  # every one compared: timing tells nothing
        if hmac.compare_digest(given.encode(), token.get_secret_value().encode()):
            found = name
    return found
