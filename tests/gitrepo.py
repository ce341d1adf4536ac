"""Fixture git repositories with fixed commit times, for the history tests.

Every commit gets the time the test names (`GIT_COMMITTER_DATE` and `GIT_AUTHOR_DATE`),
so what a test expects can be worked out by hand. Tests never read this project's
own history.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


class FixtureRepo:
    """A git work tree in ``path`` whose content folder is ``path / content``."""

    def __init__(self, path: Path, content: str = "content") -> None:
        self.path = path
        self.content = path / content if content else path
        self.content.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *arguments: str, when: str | None = None, author: str = "Li Si") -> str:
        environment = {
            **os.environ,
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": "team@example.com",
            "GIT_COMMITTER_NAME": author,
            "GIT_COMMITTER_EMAIL": "team@example.com",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        if when is not None:
            environment["GIT_AUTHOR_DATE"] = when
            environment["GIT_COMMITTER_DATE"] = when
        completed = subprocess.run(
            ["git", *arguments], cwd=self.path, env=environment, capture_output=True, text=True
        )
        assert completed.returncode == 0, completed.stderr
        return completed.stdout

    def write(self, relative: str, text: str) -> Path:
        target = self.content / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def copy_site(self, source: Path) -> None:
        """The files of the site in ``source`` into the content folder (not committed)."""
        shutil.copytree(source, self.content, dirs_exist_ok=True)

    def remove(self, relative: str) -> None:
        (self.content / relative).unlink()

    def rename(self, old: str, new: str) -> None:
        (self.content / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", str(self.content / old), str(self.content / new))

    def commit(self, when: str, message: str = "update", author: str = "Li Si") -> str:
        """Commit everything at ``when`` (ISO 8601 with an offset); the new commit's id."""
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, when=when, author=author)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def copy(self, target: Path) -> FixtureRepo:
        """The same repository, commits and all, in ``target`` (cheaper than making it)."""
        shutil.copytree(self.path, target, symlinks=True)
        copied = FixtureRepo.__new__(FixtureRepo)
        copied.path = target
        copied.content = target / self.content.relative_to(self.path)
        return copied

    def shallow_clone(self, target: Path) -> FixtureRepo:
        subprocess.run(
            ["git", "clone", "-q", "--depth", "1", f"file://{self.path}", str(target)],
            check=True,
            capture_output=True,
        )
        clone = FixtureRepo.__new__(FixtureRepo)
        clone.path = target
        clone.content = target / self.content.relative_to(self.path)
        return clone
