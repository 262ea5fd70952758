"""The README's ``guardrail check`` examples, run as written: one allows, one blocks, one saves
a collection in part."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
EXAMPLE = re.compile(r"<!-- guardrail-check: (allow|block|partial) -->\n```yaml\n(.*?)```", re.S)


def test_the_readme_check_examples_allow_block_and_save_in_part_as_they_say(tmp_path: Path) -> None:
    examples = EXAMPLE.findall(README.read_text())
    assert [label for label, _ in examples] == ["allow", "block", "partial"]
    for label, text in examples:
        file = tmp_path / f"{label}.yaml"
        file.write_text(text)
        done = subprocess.run(
            [sys.executable, "-m", "guardrail", "check", str(file)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == (0 if label == "allow" else 1), done.stdout + done.stderr
        result = json.loads(done.stdout)
        assert result["decision"] == label
        if label == "block":
            assert [v["rule"] for v in result["violations"]] == ["QueueMatchesReason"]
        if label == "partial":
            assert [r["decision"] for r in result["records"]] == ["allow", "block"]
            assert [i["ref"] for i in result["saved"]["intents"]] == ["records[0]"]
            assert [i["ref"] for i in result["refused"]["intents"]] == ["records[1]"]
            assert [v["rule"] for v in result["refused"]["violations"]] == ["AccountIdGrounded"]


def test_what_the_agent_read_grounds_the_write(tmp_path: Path) -> None:
    [(_, text)] = [e for e in EXAMPLE.findall(README.read_text()) if e[0] == "allow"]
    file = tmp_path / "unread.yaml"
    file.write_text(text.split("reads:")[0])
    done = subprocess.run(
        [sys.executable, "-m", "guardrail", "check", str(file)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    rules = [v["rule"] for v in json.loads(done.stdout)["violations"]]
    assert "RecordGrounded" in rules


def test_reads_without_a_conversation_are_refused_saying_why(tmp_path: Path) -> None:
    file = tmp_path / "orphan.json"
    file.write_text(
        json.dumps(
            {
                "method": "PATCH",
                "path": "/services/data/v59.0/sobjects/Case/500000000000001AAA",
                "body": {"Status": "Working"},
                "reads": [{"object": "Case", "id": "500000000000001AAA"}],
            }
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "guardrail", "check", str(file)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "reads belong to a conversation" in json.loads(done.stdout)["message"]
