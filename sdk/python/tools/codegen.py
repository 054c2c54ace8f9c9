"""Generates the typed client, src/axme_durable/generated, with ariadne-codegen.

It reads [tool.ariadne-codegen] in sdk/python/pyproject.toml: the server's
schema.graphql, the operation documents the TypeScript client uses too
(packages/client/src/operations), and codegen/base_client.py as the transport.

    sh scripts/python.sh sdk/python/tools/codegen.py          # rewrite the generated package
    sh scripts/python.sh sdk/python/tools/codegen.py --check  # exit 1 when it is stale

Either way it generates into a scratch copy of the inputs first, so a failed run
leaves the checked-in package alone, and --check compares without writing.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SDK = Path(__file__).resolve().parent.parent
ROOT = SDK.parent.parent
GENERATED = SDK / "src" / "axme_durable" / "generated"
# what the generator reads, relative to the repository root (pyproject.toml names them from sdk/python)
INPUTS = ["schema.graphql", "packages/client/src/operations", "sdk/python/pyproject.toml", "sdk/python/codegen"]


def generate(into: Path) -> Path:
    """Runs ariadne-codegen on a copy of the inputs under `into`; returns the generated package."""
    for rel in INPUTS:
        src, dst = ROOT / rel, into / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dst)
    sdk = into / "sdk" / "python"
    (sdk / "src" / "axme_durable").mkdir(parents=True)
    done = subprocess.run(
        [sys.executable, "-m", "ariadne_codegen", "--config", "pyproject.toml", "client"],
        cwd=sdk,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"ariadne-codegen failed (exit {done.returncode})")
    return sdk / "src" / "axme_durable" / "generated"


def files(root: Path) -> dict[str, str]:
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*.py"))
        if "__pycache__" not in p.parts
    }


def stale(fresh: Path, checked_in: Path = GENERATED) -> list[str]:
    """What differs between the checked-in package and a fresh one, as unified diffs."""
    want, have = files(fresh), files(checked_in)
    out = []
    for name in sorted(set(want) | set(have)):
        if want.get(name) != have.get(name):
            diff = difflib.unified_diff(
                have.get(name, "").splitlines(keepends=True),
                want.get(name, "").splitlines(keepends=True),
                f"checked-in/{name}",
                f"generated/{name}",
            )
            out.append("".join(diff) or f"{name}: differs\n")
    return out


def main(argv: list[str]) -> int:
    check = "--check" in argv
    with tempfile.TemporaryDirectory(prefix="axme-codegen-") as tmp:
        fresh = generate(Path(tmp))
        diffs = stale(fresh)
        if check:
            if diffs:
                sys.stderr.write("".join(diffs)[:20000])
                sys.stderr.write(
                    "\nsdk/python/src/axme_durable/generated is stale: it does not match schema.graphql, "
                    "packages/client/src/operations and sdk/python/codegen.\n"
                    "Run: sh scripts/python.sh sdk/python/tools/codegen.py\n"
                )
                return 1
            print("codegen: sdk/python/src/axme_durable/generated is up to date")
            return 0
        if GENERATED.exists():
            shutil.rmtree(GENERATED)
        shutil.copytree(fresh, GENERATED, ignore=shutil.ignore_patterns("__pycache__"))
        print(f"codegen: wrote {len(files(GENERATED))} files to sdk/python/src/axme_durable/generated")
        return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
