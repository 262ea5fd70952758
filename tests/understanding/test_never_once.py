"""A problem said never to have happened, however the never is stressed ("he's never once been
late", "it has never yet arrived late"), is denied; said as happening, it stands."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    ("said", "denied"),
    [
        ("c: The boy brings it at seven sharp, he's never once been late.", True),
        ("c: To be fair it has never ever arrived late before.", True),
        ("c: It was late again, the third week running.", False),
    ],
)
def test_a_problem_stressed_as_never_having_happened_is_denied(read, said, denied):
    late = [i for i in read(said).issues if i.reason is Reason.LATE]
    assert late
    assert all(i.negated for i in late) is denied
