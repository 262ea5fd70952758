"""The README's quick start, run as written in a fresh directory, so it cannot rot.

Its shell blocks run in order in one bash (``set -euo pipefail``), its Python block is saved
under the name the README gives it; only the three ports are moved to free ones (the sandbox's
in the text, the proxy's and the admin listener's through GUARDRAIL_LISTEN and
GUARDRAIL_ADMIN_LISTEN), so the test does not depend on what else runs on the machine.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import free_port

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"<!-- quickstart(?:: (\S+))? -->\n```(\w+)\n(.*?)```", re.S)


def quick_start() -> str:
    text = README.read_text()
    start = text.index("\n## Quick start\n")
    return text[start : text.index("\n## ", start + 1)]


def test_the_quick_start_runs_as_written(tmp_path: Path) -> None:
    ports = {"8000": free_port(), "8080": free_port(), "9090": free_port()}
    # The harness's own line: on any exit, stop what the script started in the background.
    script = ["set -euo pipefail", "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT"]
    for name, language, code in BLOCK.findall(quick_start()):
        for default, port in ports.items():
            code = code.replace(f"127.0.0.1:{default}", f"127.0.0.1:{port}")
        if name:
            (tmp_path / name).write_text(code)
        else:
            assert language == "sh"
            script.append(code)
    assert (tmp_path / "first_write.py").exists()
    venv = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUARDRAIL_")}
    env |= {
        "PATH": f"{venv}{os.pathsep}{env['PATH']}",
        "GUARDRAIL_LISTEN": f"127.0.0.1:{ports['8080']}",
        "GUARDRAIL_ADMIN_LISTEN": f"127.0.0.1:{ports['9090']}",
    }
    proc = subprocess.Popen(
        ["bash", "-c", "\n".join(script)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # whatever the script left running
    logged = tmp_path / "guardrail.log"
    log = logged.read_text() if logged.exists() else ""
    assert proc.returncode == 0, out + log
    assert "\nallowed: a01" in out  # the refund's id, from the sandbox behind the proxy
    assert "refund-rules/RefundNotMoreThanAsked" in out.split("\nblocked: ")[-1]
    assert 'decision="block",dialect="salesforce",object="Refund__c",operation="create"} 1.0' in out
    listed = out.split("DECISION ID")[-1].splitlines()[1:]  # after the header line
    assert [line.split()[1:3] for line in listed if line] == [
        ["block", "Refund__c"],
        ["allow", "Refund__c"],
    ]
