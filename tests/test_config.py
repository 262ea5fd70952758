import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

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


def test_conversations_are_read_lexically_with_the_models_second_opinion_unless_configured() -> (
    None
):
    assert load_settings(upstream="http://crm").understanding.backends == ["lexical", "model"]


# -- the one origin the proxy forwards to -------------------------------------------------------

# An origin as a strict reader takes it from the text as written: scheme, host, port, a path of
# plain segments; nothing else (no user or password, no whitespace or control characters that a
# lenient parser drops, no percent-escapes in the host, no dot segments a parser resolves).
_AS_WRITTEN = re.compile(
    r"(?i)(https?)://([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?((?:/[a-z0-9_~!$&'()*+,;=:@-]*)*)"
)


def _upstreams() -> st.SearchStrategy[str]:
    written = st.tuples(
        st.sampled_from(["http", "https", "HTTPS", "ftp"]),
        st.sampled_from(["", "u:p@", "u@", ":@", "@", "a%40b:c@", "crm:443@", "u:p%2F@"]),
        st.sampled_from(["crm", "acme.my.salesforce.com", "127.0.0.1", "[::1]", "acme%2ecom"]),
        st.sampled_from(["", ":443", ":8443", ":0"]),
        st.sampled_from(["", "/", "/pre", "/pre/../x", "/%2e%2e/x", "/a/./b", "/a%2Fb"]),
    ).map(lambda t: f"{t[0]}://{t[1]}{t[2]}{t[3]}{t[4]}")
    odd = st.sampled_from([" ", "\t", "\n", "\r", "\x00", "\\", "#", "?", "@"])
    return st.one_of(
        written,
        st.tuples(written, odd, st.integers(0, 60)).map(
            lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]
        ),
    )


@settings(max_examples=400, deadline=None)
@example(upstream="https://u:p@acme.my.salesforce.com")
@example(upstream="https://evil.com\tab")
@example(upstream="https://acme.com/pre/../x")
@given(upstream=_upstreams())
def test_an_upstream_is_taken_as_the_one_origin_it_is_written_as_or_refused_at_load(
    upstream: str,
) -> None:
    try:
        url = load_settings(None, upstream=upstream).upstream_url
    except ConfigError:
        return
    strict = _AS_WRITTEN.fullmatch(upstream)
    assert strict is not None, upstream
    scheme, host, port, path = strict.groups()
    assert url.raw_user is None, upstream
    assert url.raw_password is None, upstream
    assert (url.scheme, url.raw_host, url.port) == (
        scheme.lower(),
        host.lower().strip("[]"),
        int(port) if port else {"http": 80}.get(scheme.lower(), 443),
    ), upstream
    assert url.raw_path.rstrip("/") == path.rstrip("/"), upstream
    assert not any(s in (".", "..") for s in path.split("/")), upstream


@pytest.mark.parametrize(
    "upstream", ["https://u:p@crm.example.com", "https://token@crm.example.com"]
)
def test_an_upstream_with_a_user_or_password_is_refused_and_told_where_credentials_go(
    upstream: str,
) -> None:
    with pytest.raises(ConfigError, match=r"user.*password.*credential\.access_token") as refused:
        load_settings(None, upstream=upstream)
    assert ":p@" not in str(refused.value)
    assert "token@" not in str(refused.value)


@pytest.mark.parametrize(
    "token_url",
    [
        "https://elsewhere.example.com/services/oauth2/token",
        "http://crm.example.com/services/oauth2/token",
        "https://crm.example.com:8443/services/oauth2/token",
        "https://u:p@crm.example.com/services/oauth2/token",
    ],
)
def test_a_token_url_off_the_upstream_origin_is_refused_as_the_secret_would_go_there(
    token_url: str,
) -> None:
    credential = {"client_id": "id", "client_secret": "s3cret", "token_url": token_url}
    with pytest.raises(ConfigError, match="token_url"):
        load_settings(None, upstream="https://crm.example.com", credential=credential)
    same = {**credential, "token_url": "https://crm.example.com/services/oauth2/token"}
    assert load_settings(None, upstream="https://crm.example.com", credential=same).credential
