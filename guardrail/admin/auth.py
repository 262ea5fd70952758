"""Credentials on the admin listener, and who each proves its caller is.

Programs call the JSON API with a bearer token; people open the review page in a browser, which
can prompt for and resend a user name and password (HTTP basic) but cannot attach a bearer token
by itself, so the page takes either. Every comparison is constant-time, and a user name that does
not exist costs the same as a wrong password, so neither leaks through timing which is which.

Two roles, so a reviewer's credential is not an operator's. A platform token (``api_tokens``)
may use every admin API; a reviewer (``api_reviewers`` token, ``review_users`` password) reads
the decisions, marks them and settles holds, in the name the credential proves, and nothing
else (``guardrail.admin.roles``). A token listed in both lists is both.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Identity:
    """Who a request's credentials prove its caller is: ``platform``, may use every admin API
    (else only what reviewers may); ``name``, the reviewer it proves (None: anonymous)."""

    platform: bool
    name: str | None = None
    #: No credential is configured at all, so nobody signs in and a caller names themselves.
    self_named: bool = False

    @property
    def may_settle(self) -> bool:
        """Whether this caller may approve or reject a hold (given a name, where it types one)."""
        return self.name is not None or self.self_named

    def reviewer(self, typed: str | None) -> str | None:
        """Who settles a hold: the reviewer the credentials prove, else the name the caller
        typed, which counts only where nobody signs in."""
        return self.name or (typed if self.self_named else None)


@dataclass(frozen=True)
class Credentials:
    """The admin listener's credentials: platform tokens, reviewers' tokens (name: token) and
    review users (name: password)."""

    tokens: tuple[SecretStr, ...] = ()
    reviewers: Mapping[str, SecretStr] = field(default_factory=dict)
    users: Mapping[str, SecretStr] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        return not (self.tokens or self.reviewers or self.users)

    @property
    def api_open(self) -> bool:
        """No API token is configured: the JSON API lets anonymous callers in."""
        return not (self.tokens or self.reviewers)

    def identify(self, header: str, *, basic: bool = False) -> Identity | None:
        """Who the ``Authorization`` header value proves the caller is, or None (refuse it).
        ``basic``: review users' passwords count too (the review page; programs use tokens).
        Where none of the credentials that count is configured, the caller is let in as an
        anonymous platform caller (the admin listener binds to loopback by default)."""
        name = basic_user(header, self.users) if basic else None
        name = name or bearer_name(header, self.reviewers)
        platform = bearer_valid(header, self.tokens)
        if name is not None or platform:
            return Identity(platform, name)
        if self.api_open and not (basic and self.users):
            return Identity(platform=True, self_named=self.open)
        return None
