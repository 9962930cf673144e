"""A private certificate authority and a server certificate it signed, for a server on this
machine that no public CA vouches for (the booth's case for a profile's ``server.ca_file``).

Made with the ``openssl`` command (the project has no Python crypto library); a test skips when it
is missing.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class PrivateCA:
    ca: Path  # the CA's certificate: what a profile's ca_file names
    certificate: Path  # the server's, for localhost and 127.0.0.1
    key: Path  # the server's private key


def private_ca(folder: Path) -> PrivateCA:
    tool = shutil.which("openssl")
    if tool is None:
        pytest.skip("the openssl command is needed to make a private CA")
    folder.mkdir(parents=True, exist_ok=True)

    def openssl(*args: str) -> None:
        subprocess.run([tool, *args], cwd=folder, check=True, capture_output=True, timeout=60)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Booth test CA",
            "-keyout", "ca.key", "-out", "ca.pem")  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
            "-out", "server.csr")  # fmt: skip
    (folder / "names.ext").write_text("subjectAltName = DNS:localhost, IP:127.0.0.1\n", encoding="utf-8")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-extfile", "names.ext", "-out", "server.pem")  # fmt: skip
    return PrivateCA(folder / "ca.pem", folder / "server.pem", folder / "server.key")
