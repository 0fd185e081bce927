"""Builds component-runtime's sdist and wheel with PEP 517 tooling, the same bytes every time.

    python scripts/build_dist.py --outdir dist/packages/component-runtime

PyPA's `build` and the flit_core backend, pinned in build-requirements.txt, live in a tool venv
(--tools, default tmp/python-build-tools) made once, and again when the pins or the interpreter
change. The build runs without isolation, so it uses those pinned versions rather than whatever
the index holds today, and with SOURCE_DATE_EPOCH fixed unless the caller sets one, so the same
sources give byte-identical files. `build` makes the sdist first and the wheel from the unpacked
sdist, so a file the sdist lacks breaks the build here rather than on a user's machine. The
output folder is emptied first: it holds this version's two files and nothing else.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = PROJECT_ROOT / "build-requirements.txt"
# 1980-01-01T00:00:00Z, the earliest time a zip entry can hold: timestamps then say nothing
# about when or where the files were built, and the Nx cache and a rebuild agree.
DEFAULT_SOURCE_DATE_EPOCH = "315532800"
STAMP = "build-tools.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outdir", type=Path, required=True, help="folder for the sdist and wheel")
    parser.add_argument("--tools", type=Path, default=Path("tmp/python-build-tools"), help="tool venv")
    args = parser.parse_args(argv)

    tools_python = ensure_tools(args.tools.resolve())
    outdir = args.outdir.resolve()
    if outdir.exists():
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)

    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", DEFAULT_SOURCE_DATE_EPOCH)
    run([str(tools_python), "-m", "build", "--no-isolation", "--outdir", str(outdir), str(PROJECT_ROOT)], env=env)

    built = sorted(outdir.iterdir())
    for path in built:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        print(f"{path.name}  sha256:{digest}  {path.stat().st_size} bytes")
    if sorted(path.name.endswith(".whl") for path in built) != [False, True] or not any(
        path.name.endswith(".tar.gz") for path in built
    ):
        print(f"error: expected one sdist and one wheel in {outdir}, found {[p.name for p in built]}", file=sys.stderr)
        return 1
    return 0


def ensure_tools(venv: Path) -> Path:
    """The tool venv's python, with build-requirements.txt installed for this interpreter."""
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    wanted = {"interpreter": sys.executable, "requirements": REQUIREMENTS.read_text(encoding="utf-8")}
    stamp = venv / STAMP
    if python.exists() and stamp.exists() and json.loads(stamp.read_text(encoding="utf-8")) == wanted:
        return python
    print(f"Installing the build tools ({REQUIREMENTS.name}) into {venv}", flush=True)
    run([sys.executable, "-m", "venv", "--clear", str(venv)])
    run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(REQUIREMENTS)])
    stamp.write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")
    return python


def run(command: list[str], env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"error: {' '.join(command)} exited with {result.returncode}")


if __name__ == "__main__":
    sys.exit(main())
