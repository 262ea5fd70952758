import json
from pathlib import Path

import pytest

from guardrail.errors import PolicyError
from guardrail.model import Mode, Operation
from guardrail.policy.loader import PolicyStore, load_policy_set

POLICY = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata:
  name: case-fields
spec:
  match:
    objects: [Case]
    operations: [create, update]
  mode: {mode}
  schemaFile: schemas/Case.json
"""
SCHEMA = {"type": "object", "properties": {"Subject": {"type": "string"}}}


def write_pack(
    root: Path, policy: str = POLICY.format(mode="enforce"), schema: object = SCHEMA
) -> Path:
    (root / "schemas").mkdir(parents=True, exist_ok=True)
    (root / "schemas" / "Case.json").write_text(json.dumps(schema))
    (root / "case.yaml").write_text(policy)
    return root


def test_loads_a_pack_and_matches_case_insensitively(tmp_path: Path) -> None:
    policies = load_policy_set(write_pack(tmp_path))
    [policy] = policies.policies
    assert policy.name == "case-fields"
    assert [c.name for c in policy.checks] == ["ParameterValidation"]
    assert policies.matching("salesforce", "case", Operation.CREATE) == (policy,)
    assert policies.matching("salesforce", "Case", Operation.DELETE) == ()
    assert policies.matching("zendesk", "Case", Operation.CREATE) == ()
    assert policies.object_name("salesforce", "CASE") == "Case"
    assert policies.object_name("salesforce", "Opportunity") is None
    assert len(policies.version) == 12


def test_version_changes_with_any_file_including_the_schema(tmp_path: Path) -> None:
    first = load_policy_set(write_pack(tmp_path)).version
    assert load_policy_set(tmp_path).version == first
    write_pack(tmp_path, schema={**SCHEMA, "required": ["Subject"]})
    assert load_policy_set(tmp_path).version != first


def test_wildcard_objects_and_multi_document_files(tmp_path: Path) -> None:
    (tmp_path / "all.yaml").write_text(
        POLICY.replace("[Case]", '["*"]').replace("case-fields", "everything")
        .replace("  schemaFile: schemas/Case.json\n", "").format(mode="shadow")
        + "---\n"
        + POLICY.replace("case-fields", "second").replace("  schemaFile: schemas/Case.json\n", "")
        .format(mode="enforce")
    )  # fmt: skip
    policies = load_policy_set(tmp_path)
    names = [p.name for p in policies.matching("salesforce", "Anything__c", Operation.CREATE)]
    assert names == ["everything"]
    assert policies.policies[0].mode is Mode.SHADOW


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("apiVersion: [unclosed\n", r"case.yaml: line 2, column 1: YAML error"),
        (POLICY.format(mode="enforce").replace("  mode:", "  mood:"), r"spec.mood \(line 9\): Extra inputs"),
        (POLICY.format(mode="enforce").replace("update]", "updat]"), r"spec.match.operations\[1\] \(line 8\)"),
        (POLICY.format(mode="sometimes"), r"spec.mode \(line 9\)"),
        (POLICY.format(mode="enforce").replace("GuardrailPolicy", "Policy"), r"kind \(line 2\)"),
        (POLICY.format(mode="enforce").replace("Case.json", "Nope.json"), "Nope.json does not exist"),
        (POLICY.format(mode="enforce").replace("schemas/Case.json", "../../etc/passwd"), "outside the policy directory"),
    ],
)  # fmt: skip
def test_broken_policy_files_name_the_file_and_the_place(
    tmp_path: Path, policy: str, expected: str
) -> None:
    write_pack(tmp_path, policy)
    with pytest.raises(PolicyError, match=expected) as caught:
        load_policy_set(tmp_path)
    assert str(tmp_path) in str(caught.value)


def test_invalid_json_schema_is_reported(tmp_path: Path) -> None:
    write_pack(tmp_path, schema={"type": "object", "properties": {"Subject": {"type": "text"}}})
    with pytest.raises(PolicyError, match=r"spec.schemaFile: invalid JSON Schema at properties"):
        load_policy_set(tmp_path)
    (tmp_path / "schemas" / "Case.json").write_text("{not json")
    with pytest.raises(PolicyError, match=r"Case.json: line 1, column 2"):
        load_policy_set(tmp_path)


def test_empty_directory_and_duplicate_names_are_errors(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="no policies found"):
        load_policy_set(tmp_path)
    write_pack(tmp_path)
    (tmp_path / "again.yaml").write_text(POLICY.format(mode="enforce"))
    with pytest.raises(PolicyError, match="'case-fields' is already defined"):
        load_policy_set(tmp_path)


def test_reload_is_atomic_and_keeps_the_last_good_set(tmp_path: Path) -> None:
    store = PolicyStore(write_pack(tmp_path))
    good = store.current
    (tmp_path / "case.yaml").write_text("kind: [")
    with pytest.raises(PolicyError):
        store.reload()
    assert store.current is good
    write_pack(tmp_path, POLICY.format(mode="shadow"))
    assert store.reload().policies[0].mode is Mode.SHADOW
    assert store.current.version != good.version


def test_hidden_copies_are_ignored_as_a_configmap_mount_lays_them_out(tmp_path: Path) -> None:
    data = tmp_path / "..2026_11_25_20_00_00.123"
    write_pack(data)
    for name in ("case.yaml", "schemas"):
        (tmp_path / name).symlink_to(data / name)
    (tmp_path / "..data").symlink_to(data.name)
    (tmp_path / ".case.yaml.swp").write_text("not yaml: [")
    policies = load_policy_set(tmp_path)
    assert [p.name for p in policies.policies] == ["case-fields"]


def test_a_packs_scenarios_are_not_policies(tmp_path: Path) -> None:
    """Labeled scenarios ship in the pack's scenarios/ (guardrail test): never loaded, never
    part of the version, no reload when one is edited."""
    write_pack(tmp_path)
    store = PolicyStore(tmp_path)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "case.yaml").write_text("scenarios: [{name: x}]\n")
    assert not store.changed()
    policies = load_policy_set(tmp_path)
    assert [p.name for p in policies.policies] == ["case-fields"]
    assert policies.version == store.current.version
