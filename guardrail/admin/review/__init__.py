"""The review page, ``/review/`` on the admin listener: where compliance reviewers read the
blocked and failed writes and mark each decision confirmed or a false positive.

Server-rendered HTML (Jinja2, autoescaped) with links and forms only, so it works without
JavaScript and its Content-Security-Policy can forbid script outright. ``guard`` says who may
open it and how its form is protected against cross-site requests; ``pages`` has the routes;
``render`` the templates. A mark is its own audit record, appended as the decisions API
appends it: the decision it judges is never edited.
"""

from guardrail.admin.review.pages import mount

__all__ = ["mount"]
