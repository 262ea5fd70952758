"""A comment's ``body`` is Markdown to Zendesk ("Markdown formatting is supported in body but
not in html_body", Ticket Comments, "Bodies for comments"): saved as written, shown rendered,
so marks splitting a number show it whole in ``html_body`` and ``plain_body``."""

from __future__ import annotations

import pytest

from guardrail.sandbox.zendesk.seed import ACME_TICKET
from tests.sandbox.zendesk.helpers import Api


@pytest.mark.parametrize(
    ("body", "html_body", "plain_body"),
    [
        ("Card 41**11** 1111", "<p>Card 41<strong>11</strong> 1111</p>", "Card 4111 1111"),
        ("a *b* `c*d*` ~~e~~", "<p>a <em>b</em> <code>c*d*</code> <del>e</del></p>",
         "a b c*d* e"),
        ("snake_case_name \\*kept\\*", "<p>snake_case_name *kept*</p>", "snake_case_name *kept*"),
        ("4&#49;11 & <b>x</b>", "<p>4&#49;11 & &lt;b&gt;x&lt;/b&gt;</p>", "4111 & <b>x</b>"),
    ],
)  # fmt: skip
async def test_a_comment_body_is_saved_as_written_and_shown_rendered(
    zd: Api, body: str, html_body: str, plain_body: str
) -> None:
    status, _ = await zd.call("PUT", f"/tickets/{ACME_TICKET}.json", {"ticket": {
        "comment": {"body": body, "public": False}}})  # fmt: skip
    assert status == 200
    _, answer = await zd.call("GET", f"/tickets/{ACME_TICKET}/comments.json")
    comment = answer["comments"][-1]
    assert (comment["body"], comment["html_body"], comment["plain_body"]) == (
        body, html_body, plain_body,
    )  # fmt: skip
