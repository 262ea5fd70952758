from guardrail.upstream import request_headers, response_headers


def test_request_headers_drop_hop_by_hop_connection_named_and_guardrail_headers() -> None:
    headers = [
        ("Host", "proxy:8080"),
        ("Authorization", "Bearer abc"),
        ("Connection", "keep-alive, X-Secret-Hop"),
        ("Keep-Alive", "timeout=5"),
        ("X-Secret-Hop", "1"),
        ("Transfer-Encoding", "chunked"),
        ("Content-Length", "12"),
        ("X-Guardrail-Conversation", "c1"),
        ("x-guardrail-agent", "a1"),
        ("Content-Type", "application/json"),
        ("traceparent", "00-abc-def-01"),
        ("Sforce-Call-Options", "client=agent"),
    ]
    out = request_headers(headers)
    assert list(out.items()) == [
        ("Authorization", "Bearer abc"),
        ("Content-Type", "application/json"),
        ("traceparent", "00-abc-def-01"),
        ("Sforce-Call-Options", "client=agent"),
    ]


def test_request_headers_never_ask_the_crm_to_compress_its_answer() -> None:
    """The proxy reads every answer (guardrail.upstream), so none may come encoded."""
    out = request_headers([("Accept-Encoding", "gzip, deflate"), ("accept-encoding", "br")])
    assert list(out.items()) == []


def test_response_headers_keep_end_to_end_ones_and_repeats() -> None:
    out = response_headers(
        [
            ("Content-Type", "application/json"),
            ("Set-Cookie", "a=1"),
            ("Set-Cookie", "b=2"),
            ("Content-Length", "9"),
            ("Connection", "close"),
            ("Sforce-Limit-Info", "api-usage=1/15000"),
        ]
    )
    assert out.getall("Set-Cookie") == ["a=1", "b=2"]
    assert "Content-Length" not in out
    assert "Connection" not in out
    assert out["Sforce-Limit-Info"] == "api-usage=1/15000"
