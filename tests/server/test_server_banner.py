"""The commands ``thaivc serve`` prints at start work as printed, over HTTPS with a self-signed certificate too.

Before, the ``curl`` lines omitted ``--cacert``: every one failed certificate verification. The test
starts the sample service over TLS, reads the banner, and runs each printed request: with ``curl``
through ``bash`` exactly as printed when both are installed, and always with httpx from the parsed
command (``-X``, ``-H``, ``-d``, ``--cacert``), so it runs where ``curl`` is absent too.
"""

from __future__ import annotations

import re
import shlex
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from server_helpers import free_port, serve_process
from test_server_tls import make_pair

from thaivc.cli import main


def _commands(banner: str) -> list[str]:
    joined = banner.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip().startswith("curl ")]


def _substitute(command: str) -> str:
    """``$(cat FILE)`` replaced by the file's text, as the shell would."""

    def cat(match: re.Match[str]) -> str:
        return Path(shlex.split(match.group(1))[0]).read_text(encoding="utf-8").strip()

    return re.sub(r"\$\(cat ([^)]+)\)", cat, command)


def _with_httpx(command: str) -> httpx.Response:
    args = shlex.split(_substitute(command))
    assert args[0] == "curl"
    method, url, headers, data, cacert = "GET", None, {}, None, None
    i = 1
    while i < len(args):
        arg = args[i]
        if arg == "-s":
            i += 1
            continue
        if arg in ("-X", "-H", "-d", "--cacert"):
            value = args[i + 1]
            if arg == "-X":
                method = value
            elif arg == "-H":
                name, _, given = value.partition(":")
                headers[name.strip()] = given.strip()
            elif arg == "-d":
                data = value
            else:
                cacert = value
            i += 2
            continue
        assert url is None, f"unexpected argument {arg!r}"
        url = arg
        i += 1
    assert url is not None
    verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=cacert) if cacert else True
    return httpx.request(method, url, headers=headers, content=data, verify=verify, timeout=10)


@pytest.fixture
def sample_over_tls(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    assert main(["serve", "sample", str(tmp_path / "serve"), "--port", str(port)]) == 0
    cert, key = make_pair(tmp_path)
    err = tmp_path / "stderr.txt"
    config = tmp_path / "serve" / "thaivc-server.toml"
    args = ["serve", "--config", str(config), "--port", str(port), "--tls-cert", str(cert), "--tls-key", str(key)]
    trust = ssl.create_default_context(cafile=str(cert))
    with serve_process(args, ready_url=f"https://localhost:{port}/healthz", verify=trust, stderr=err, cwd=tmp_path):
        yield err.read_text(encoding="utf-8")


def test_the_printed_commands_work_as_printed_over_https(sample_over_tls: str) -> None:
    commands = _commands(sample_over_tls)
    assert len(commands) == 4, sample_over_tls
    assert all("--cacert " in c and "https://" in c for c in commands)  # the self-signed certificate is named
    for command in commands:
        answer = _with_httpx(command)
        assert answer.status_code in (200, 201), (command, answer.status_code, answer.text[:300])
    if shutil.which("curl") and shutil.which("bash"):
        for command in commands:
            done = subprocess.run(
                ["bash", "-c", command + " -o /dev/null -w '%{http_code}'"],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
            assert done.stdout.strip() in ("200", "201"), (command, done.stdout, done.stderr)


def test_without_tls_no_cacert_and_a_wildcard_address_is_reached_on_loopback() -> None:
    from thaivc.cli.serve import _curl_target

    assert _curl_target("0.0.0.0", 8080, None) == ("http://127.0.0.1:8080", "-s")
    assert _curl_target("::1", 8080, None) == ("http://[::1]:8080", "-s")


def test_a_certificate_for_localhost_only_is_reached_by_that_name(tmp_path: Path) -> None:
    from thaivc.cli.serve import _curl_target

    cert, key = make_pair(tmp_path)
    base, options = _curl_target("127.0.0.1", 8443, (cert, key))
    assert base == "https://127.0.0.1:8443" and options == f"-s --cacert {cert.resolve()}"
    assert _curl_target("10.1.2.3", 8443, (cert, key))[0] == "https://localhost:8443"  # the address is not named
