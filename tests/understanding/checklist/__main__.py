"""The checklist's failure rates per capability and test type:
``python -m tests.understanding.checklist [dev|held] [--show] [--write]``.

``--show`` lists the failing cases of the dev split (the held split is only ever counted);
``--write`` records the rates reached as the ceilings the tests hold the reader to."""

import sys

import yaml

from guardrail.understanding.lexical import LexicalBackend
from tests.understanding.checklist.suite import CEILINGS, TESTS, generate, run, table

backend = LexicalBackend()
splits = [a for a in sys.argv[1:] if a in ("dev", "held")] or ["dev", "held"]
measured = {}
for split in splits:
    results = run(generate(split), backend.understand)
    measured[split] = rates = table(results)
    print(f"== {split}")
    all_n = all_f = 0
    for capability, cells in rates.items():
        shown = []
        for test in TESTS:
            n, f = cells.get(test, (0, 0))
            all_n, all_f = all_n + n, all_f + f
            shown.append(f"{test} {f:3d}/{n:<4d}{100 * f / n:5.1f}%" if n else f"{test}{'-':>15} ")
        print(f"{capability:40s} " + "  ".join(shown))
    print(f"{'all':40s} {all_f}/{all_n} {100 * all_f / all_n:.1f}%")
    if split == "dev" and "--show" in sys.argv:
        for case, ok in results:
            if not ok:
                print(
                    f"FAIL {case.capability} | {case.test} {case.kind} | " + " / ".join(case.said)
                )
if "--write" in sys.argv:
    CEILINGS.write_text(
        yaml.safe_dump(measured, sort_keys=False, default_flow_style=None, width=100)
    )
