"""The documentation runs: every Python block executes and every ``thaivc`` command line parses.

* Python: each page's ```` ```python ```` blocks run in order in one namespace, in a fresh
  temporary directory (so blocks may write and read files). A block preceded by
  ``<!-- no-test -->`` is skipped; :data:`NO_TEST_ALLOWED` caps how many there may be.
* Shell: every ``thaivc …`` line in a ```` ```sh ```` block is parsed by the real argument parser,
  so the docs cannot drift from the command line. A block preceded by ``<!-- run -->`` is also
  executed, in order, through :func:`thaivc.cli.main` in the page's temporary directory; each
  command must exit 0 unless its comment says ``exit N``. The runner understands a small subset
  of shell, enough for a tutorial: ``thaivc …``, ``NAME=$(thaivc …)`` and
  ``cat > FILE <<EOF … EOF`` with ``$NAME`` expansion.
* Links: every relative link in the docs names a file that exists.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from thaivc.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
NO_TEST_ALLOWED = 2
FENCE = re.compile(r"^```(\w*)\s*$")
EXIT_NOTE = re.compile(r"#.*\bexit (\d)\b")
ASSIGN = re.compile(r"^([A-Z_][A-Z0-9_]*)=\$\((thaivc .*)\)$")
HEREDOC = re.compile(r"^cat > (\S+) <<'?EOF'?$")
VAR = re.compile(r"\$([A-Z_][A-Z0-9_]*)")


@dataclass(frozen=True)
class Block:
    page: Path
    lang: str
    line: int
    text: str
    marker: str  # the HTML comment on the line before the fence, if any

    @property
    def label(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """Fenced code blocks of a Markdown page, with the marker comment that precedes each."""
    found: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if match:
            start = i
            body: list[str] = []
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i])
                i += 1
            previous = lines[start - 1].strip() if start else ""
            marker = previous if previous.startswith("<!--") else ""
            found.append(Block(page, match.group(1), start + 1, "\n".join(body) + "\n", marker))
        i += 1
    return found


def shell_commands(text: str) -> list[str]:
    """The logical lines of a shell block (``\\`` continuations joined; heredoc bodies kept)."""
    out: list[str] = []
    pending = ""
    for raw in text.splitlines():
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        out.append(pending + raw)
        pending = ""
    return out


def thaivc_argv(line: str) -> list[str] | None:
    """The arguments of the ``thaivc`` command on a line, or ``None`` when it has none."""
    line = line.strip()
    assigned = ASSIGN.match(line)
    if assigned:
        line = assigned.group(2)
    for segment in line.split(" | "):
        segment = segment.strip()
        if segment.startswith("thaivc "):
            argv = shlex.split(segment, comments=True)
            return argv[1:]
    return None


def all_blocks() -> list[Block]:
    return [block for page in PAGES for block in blocks(page)]


def python_pages() -> list[Path]:
    return [page for page in PAGES if any(b.lang == "python" for b in blocks(page))]


# -- Python ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", python_pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("THAIVC_GDX_URL", "THAIVC_GDX_CONSUMER_KEY", "THAIVC_GDX_CONSUMER_SECRET", "THAIVC_GDX_AGENT_ID"):
        monkeypatch.delenv(name, raising=False)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    ran = 0
    for block in blocks(page):
        if block.lang != "python" or block.marker == "<!-- no-test -->":
            continue
        code = compile(block.text, block.label, "exec")
        with contextlib.redirect_stdout(io.StringIO()):
            exec(code, namespace)
        ran += 1
    assert ran > 0


def test_few_blocks_are_exempt() -> None:
    exempt = [b.label for b in all_blocks() if b.marker == "<!-- no-test -->"]
    assert len(exempt) <= NO_TEST_ALLOWED, exempt


# -- shell -----------------------------------------------------------------------------------------


def command_lines() -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    for block in all_blocks():
        if block.lang not in {"sh", "bash", "console", ""}:
            continue
        in_heredoc = False
        for line in shell_commands(block.text):
            if in_heredoc:
                in_heredoc = line.strip() != "EOF"
                continue
            if HEREDOC.match(line.strip()):
                in_heredoc = True
                continue
            if thaivc_argv(line) is not None:
                lines.append((block.label, line.strip()))
    return lines


def test_docs_have_command_lines() -> None:
    assert len(command_lines()) >= 30


@pytest.mark.parametrize(("label", "line"), command_lines(), ids=[f"{lb}" for lb, _ in command_lines()])
def test_command_line_parses(label: str, line: str) -> None:
    argv = thaivc_argv(line)
    assert argv is not None
    try:
        with contextlib.redirect_stderr(io.StringIO()) as err:
            args = build_parser().parse_args(argv)
    except SystemExit as exc:
        pytest.fail(f"{label}: {line!r} does not parse: {err.getvalue().strip()} (exit {exc.code})")
    assert callable(args.handler)


def run_pages() -> list[Path]:
    return [page for page in PAGES if any(b.marker == "<!-- run -->" for b in blocks(page))]


def run_shell_block(block: Block, variables: dict[str, str]) -> int:
    """Execute a run-block; return how many ``thaivc`` commands ran."""
    ran = 0
    lines = shell_commands(block.text)
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        heredoc = HEREDOC.match(line)
        if heredoc:
            body: list[str] = []
            while lines[i].strip() != "EOF":
                body.append(VAR.sub(lambda m: variables[m.group(1)], lines[i]))
                i += 1
            i += 1
            Path(heredoc.group(1)).write_text("\n".join(body) + "\n", encoding="utf-8")
            continue
        if not line or line.startswith("#"):
            continue
        assigned = ASSIGN.match(line)
        command = assigned.group(2) if assigned else line
        assert command.startswith("thaivc "), f"{block.label}: the runner cannot execute {line!r}"
        argv = [VAR.sub(lambda m: variables[m.group(1)], a) for a in shlex.split(command, comments=True)[1:]]
        note = EXIT_NOTE.search(command)
        expected = int(note.group(1)) if note else 0
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
        assert code == expected, (
            f"{block.label}: {line!r} exited {code}, not {expected}\n{out.getvalue()}{err.getvalue()}"
        )
        if assigned:
            variables[assigned.group(1)] = out.getvalue().strip()
        ran += 1
    return ran


@pytest.mark.parametrize("page", run_pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_shell_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("THAIVC_GDX_URL", "THAIVC_GDX_CONSUMER_KEY", "THAIVC_GDX_CONSUMER_SECRET", "THAIVC_GDX_AGENT_ID"):
        monkeypatch.delenv(name, raising=False)
    variables: dict[str, str] = {}
    ran = sum(run_shell_block(b, variables) for b in blocks(page) if b.marker == "<!-- run -->")
    assert ran > 0


def test_runner_notices_a_wrong_exit_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    block = Block(ROOT / "README.md", "sh", 1, "thaivc id check 1234567890123\n", "<!-- run -->")
    with pytest.raises(AssertionError, match="exited 1, not 0"):
        run_shell_block(block, {})


def test_parser_check_catches_a_drifted_option() -> None:
    with pytest.raises(pytest.fail.Exception, match="does not parse"):
        test_command_line_parses("example", "thaivc verify vp.jwt --nonce abc")


# -- links -----------------------------------------------------------------------------------------

LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
#: Pages another branch is writing; linked already, checked like any other once they exist.
PENDING: frozenset[str] = frozenset()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    broken = [
        target
        for target in LINK.findall(text)
        if "://" not in target
        and not target.startswith("mailto:")
        and not (page.parent / target).exists()
        and Path(target).name not in PENDING
    ]
    assert not broken, f"{page.name}: {broken}"


# -- messages changed by the command-line review (docs/cli-review.md) -------------------------------


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_review_hints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert _run(["key", "generate", "--out", "issuer.jwk"])[0] == 0
    assert _run(["key", "generate", "--out", "wallet.jwk"])[0] == 0
    Path("cred.json").write_text(
        '{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],'
        ' "credentialSubject": {"id": "did:example:someone-else", "name": "x"}}',
        encoding="utf-8",
    )
    assert _run(["issue", "cred.json", "--key", "issuer.jwk", "--out", "cred.jwt"])[0] == 0
    assert _run(["present", "cred.jwt", "--key", "wallet.jwk", "--challenge", "c", "--out", "vp.jwt"])[0] == 0
    code, out, _ = _run(["verify", "vp.jwt", "--challenge", "c"])
    assert code == 1 and "hint: each credential's credentialSubject.id must be the DID" in out

    assert _run(["issue", "cred.json", "--key", "issuer.jwk", "--format", "dc+sd-jwt", "--out", "c.sd"])[0] == 0
    code, _, err = _run(
        ["present", "c.sd", "--key", "wallet.jwk", "--format", "dc+sd-jwt", "--challenge", "c", "--domain", "d"]
    )
    assert code == 2 and "credentialSubject.id" in err and err.count("\n") == 1
    code, out, _ = _run(["verify", "c.sd"])
    assert code == 1 and "hint: an SD-JWT credential is verified as presented" in out

    code, _, err = _run(["proof", "add", "cred.jwt", "--key", "wallet.jwk"])
    assert code == 2 and "tokens cannot be co-signed" in err
