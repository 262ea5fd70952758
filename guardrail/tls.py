"""TLS for the proxy listener: Salesforce clients (simple-salesforce, pysnc) only speak https.

For development (``guardrail certs DIR``, the demo, the tests) a throwaway certificate authority
issues the proxy's certificate; a client trusts the CA's file, and nothing touches the system's
trust store.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

from guardrail.errors import ConfigError


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"cannot load TLS certificate {cert} / key {key}: {exc}") from None
    return context


@dataclass(frozen=True)
class DevelopmentCerts:
    """A throwaway CA and a server certificate it issued, on disk."""

    ca_pem: Path
    cert_pem: Path
    key_pem: Path

    @classmethod
    def create(
        cls, directory: Path, hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    ) -> DevelopmentCerts:
        """Write ``ca.pem``, ``server.pem`` and ``server.key`` (for ``hosts``) in ``directory``."""
        import trustme

        directory.mkdir(parents=True, exist_ok=True)
        ca = trustme.CA()
        cert = ca.issue_cert(*hosts)
        paths = cls(directory / "ca.pem", directory / "server.pem", directory / "server.key")
        ca.cert_pem.write_to_path(str(paths.ca_pem))
        cert.cert_chain_pems[0].write_to_path(str(paths.cert_pem))
        cert.private_key_pem.write_to_path(str(paths.key_pem))
        paths.key_pem.chmod(0o600)
        return paths
