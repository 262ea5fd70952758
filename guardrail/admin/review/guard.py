"""What stands in front of every review page: sign-in, CSRF, response headers, error pages.

Sign-in. With no API token and no review user configured the page is open, as the JSON API is
(the admin listener binds to loopback by default). With either configured, a request needs an
API token (a platform's or a reviewer's) as ``Authorization: Bearer`` or a review user's name
and password as HTTP basic; a browser is asked for the latter. A review user's or reviewer
token's name is the reviewer name on their marks and approvals (it cannot be typed in as
someone else's).

CSRF. A browser resends basic credentials, and reaches a loopback listener, on behalf of any
site the reviewer visits, so a form post alone proves nothing. Two checks, neither needing
server-side sessions (so any replica can take the post):

- a double-submit token: each page with a form sets a random cookie (``HttpOnly``,
  ``SameSite=Strict``, path ``/review/``) and puts the same value in a hidden field; a post
  whose field does not equal its cookie is refused. Another site can make the browser post but
  can neither read the cookie nor, being cross-site, have it sent (SameSite=Strict);
- an origin check (``guardrail.admin.origin``, as the JSON API's): a post whose ``Origin`` (or,
  without one, ``Referer``) names another host than the one it was sent to is refused, which
  also covers a sibling subdomain that could plant a cookie.

Neither stops a page that reaches the listener by DNS rebinding (same-origin to the browser):
the admin listener's Host check does (``guardrail.admin.origin``).

Headers. Pages are never cached and never framed, and a Content-Security-Policy allows no
script at all: the page needs none, and if escaping ever failed, injected script still would
not run.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from multidict import CIMultiDict, MultiMapping

from guardrail.admin.auth import Credentials
from guardrail.admin.jsonapi import Refusal
from guardrail.admin.origin import SAFE_METHODS, check_origin
from guardrail.admin.review.render import render
from guardrail.admin.roles import IDENTITY
from guardrail.errors import DependencyFailure

CSRF_COOKIE = "guardrail_review_csrf"
CSRF_FIELD = "csrf_token"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


#: Set on the review application by ``pages.mount``.
CREDENTIALS: web.AppKey[Credentials] = web.AppKey("REVIEW_CREDENTIALS")


def csrf_token(request: web.Request) -> tuple[str, bool]:
    """The token a form on this page must send back, and whether it is new: the browser's
    own while it has a valid one (so forms open in two tabs both work), else a new one that
    ``set_csrf_cookie`` must send with the page."""
    given = request.cookies.get(CSRF_COOKIE, "")
    if _TOKEN.fullmatch(given):
        return given, False
    return secrets.token_urlsafe(32), True


def set_csrf_cookie(request: web.Request, response: web.StreamResponse, token: str) -> None:
    response.set_cookie(
        CSRF_COOKIE,
        token,
        path=str(request.app.router["list"].url_for()),
        httponly=True,
        samesite="Strict",
        secure=request.secure,
    )


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await _checked(request, handler)
    except Refusal as refusal:
        response = _problem(request, refusal.status, refusal.body["message"])
    except DependencyFailure as exc:
        response = _problem(request, exc.status, exc.message)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        response = _problem(request, exc.status, exc.reason)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


async def _checked(request: web.Request, handler: Handler) -> web.StreamResponse:
    credentials = request.app[CREDENTIALS]
    who = credentials.identify(request.headers.get("Authorization", ""), basic=True)
    if who is None:
        return _sign_in(request, credentials)
    request[IDENTITY] = who
    if request.method not in SAFE_METHODS:
        check_origin(request)
        _check_token(request, await request.post())
    return await handler(request)


def _sign_in(request: web.Request, credentials: Credentials) -> web.StreamResponse:
    """401, asking a browser for a review user (when there are any) or a program for a token."""
    response = _problem(
        request,
        401,
        "Sign in as a review user, or send an API token as Authorization: Bearer.",
    )
    challenges: CIMultiDict[str] = CIMultiDict()
    if credentials.users:
        challenges.add("WWW-Authenticate", 'Basic realm="guardrail review", charset="UTF-8"')
    challenges.add("WWW-Authenticate", 'Bearer realm="guardrail"')
    response.headers.extend(challenges)
    return response


def _check_token(request: web.Request, form: MultiMapping[Any]) -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get(CSRF_FIELD)
    if not (
        isinstance(sent, str)
        and _TOKEN.fullmatch(cookie)
        and hmac.compare_digest(sent.encode(), cookie.encode())
    ):
        raise Refusal(
            403,
            "csrf",
            "This form could not be verified (its security token is missing or stale, or "
            "cookies are off). Reload the page and submit it again.",
        )


def _problem(request: web.Request, status: int, message: str) -> web.Response:
    return render(request, "problem.html", {"status": status, "message": message}, status)
