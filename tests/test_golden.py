"""The built sample site against the expected tree in tests/golden/expected.

The sample is built from a fixture repository that commits it as a team would have
(tests/sample_history.py: fixed times, one report rewritten after its deadline, one
backdated), as of 2023-07-20: the content as it stood that day. Never from this
repository's own history.

After an intended change to pages or numbers, regenerate the expected files with

    python tests/test_golden.py --regenerate

and review the diff before committing it.
"""

from __future__ import annotations

import difflib
import shutil
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
EXPECTED = REPO / "tests" / "golden" / "expected"
AS_OF = "2023-07-20"


def build_sample(out: Path) -> None:
    from sample_history import sample_repository

    from sitegen.cli import main

    with tempfile.TemporaryDirectory() as work:
        repo = sample_repository(Path(work) / "repo", REPO / "content")
        result = CliRunner().invoke(
            main, ["build", str(repo.content), "-o", str(out), "--as-of", AS_OF]
        )
    assert result.exit_code == 0, result.output


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_sample_site_matches_the_expected_tree(tmp_path):
    build_sample(tmp_path / "out")
    built, expected = tree(tmp_path / "out"), tree(EXPECTED)
    assert sorted(built) == sorted(expected), "pages added or removed: regenerate (see module doc)"
    for name, data in built.items():
        if data != expected[name]:
            diff = difflib.unified_diff(
                expected[name].decode("utf-8", "replace").splitlines(),
                data.decode("utf-8", "replace").splitlines(),
                f"expected/{name}",
                f"built/{name}",
                lineterm="",
                n=1,
            )
            raise AssertionError("\n".join(list(diff)[:60]))


def regenerate() -> None:
    if EXPECTED.exists():
        shutil.rmtree(EXPECTED)
    build_sample(EXPECTED)
    print(f"wrote {len(tree(EXPECTED))} files to {EXPECTED.relative_to(REPO)}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--regenerate"]:
        sys.exit(__doc__)
    sys.path[:0] = [str(REPO), str(REPO / "tests")]
    regenerate()
