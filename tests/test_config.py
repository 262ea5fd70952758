from pathlib import Path

import pytest

from guardrail.config import HostPort, load_settings
from guardrail.errors import ConfigError


def test_flags_beat_environment_beats_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "guardrail.yaml"
    config.write_text(
        "upstream: https://file.example.com\nlisten: 0.0.0.0:8443\ntimeouts:\n  upstream: 7\n"
    )
    monkeypatch.setenv("GUARDRAIL_LISTEN", "127.0.0.1:9000")
    monkeypatch.setenv("GUARDRAIL_TIMEOUTS__CLIENT_BODY", "3")
    settings = load_settings(config, admin_listen="127.0.0.1:9999")
    assert settings.upstream == "https://file.example.com"
    assert settings.listen == HostPort(host="127.0.0.1", port=9000)
    assert settings.admin_listen.port == 9999
    assert (settings.timeouts.upstream, settings.timeouts.client_body) == (7, 3)
    assert load_settings(config, listen="127.0.0.1:1").listen.port == 1


def test_toml_config_and_secret_tokens(tmp_path: Path) -> None:
    config = tmp_path / "guardrail.toml"
    config.write_text('upstream = "http://crm:8000"\napi_tokens = ["t0p-secret"]\n')
    settings = load_settings(config)
    assert "t0p-secret" not in repr(settings)
    assert settings.api_tokens[0].get_secret_value() == "t0p-secret"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"upstream": "ftp://crm"}, r"upstream must be an http\(s\) URL"),
        ({"upstream": "https://crm?x=1"}, "must not carry a query"),
        ({"upstream": "http://crm", "listen": "nonsense"}, "expected HOST:PORT"),
        ({"upstream": "http://crm", "tls_cert": "a.pem"}, "tls_cert and tls_key go together"),
        (
            {"upstream": "http://crm", "understanding": {"backends": ["lexical", "llm"]}},
            "the llm backend needs llm.base_url and llm.model",
        ),
        (
            {"upstream": "http://crm", "understanding": {"backends": ["lexical", "bert"]}},
            "understanding.backends.1: Input should be 'lexical', 'model' or 'llm'",
        ),
        ({"upstream": "http://crm", "unknown_writes": "maybe"}, "unknown_writes"),
        ({}, "upstream: Field required"),
    ],
)
def test_bad_settings_are_reported_by_name(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(None, **overrides)


def test_missing_or_unsupported_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.yaml", upstream="http://crm")
    ini = tmp_path / "guardrail.ini"
    ini.write_text("x")
    with pytest.raises(ConfigError, match=r"use \.yaml"):
        load_settings(ini, upstream="http://crm")


def test_the_understanding_backends_are_configured_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GUARDRAIL_UNDERSTANDING__BACKENDS", '["lexical", "llm"]')
    monkeypatch.setenv("GUARDRAIL_UNDERSTANDING__LLM__BASE_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("GUARDRAIL_UNDERSTANDING__LLM__MODEL", "qwen2.5:7b")
    monkeypatch.setenv("GUARDRAIL_UNDERSTANDING__LLM__API_KEY", "sk-very-secret")
    monkeypatch.setenv("GUARDRAIL_UNDERSTANDING__LLM__FAILURE", "unsure")
    settings = load_settings(upstream="http://crm")
    llm = settings.understanding.llm
    assert settings.understanding.backends == ["lexical", "llm"]
    assert (llm.base_url, llm.model, llm.failure) == (
        "http://127.0.0.1:11434/v1",
        "qwen2.5:7b",
        "unsure",
    )
    assert llm.api_key.get_secret_value() == "sk-very-secret"
    assert "sk-very-secret" not in repr(settings)


def test_conversations_are_read_lexically_unless_configured() -> None:
    assert load_settings(upstream="http://crm").understanding.backends == ["lexical"]
