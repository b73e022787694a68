"""Raw-input archive: every file Lantern is given is kept, addressed by its SHA-256."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class ArchivedFile:
    sha256: str
    original: str
    archived: str
    size: int
    archived_at: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def archive_relpath(digest: str, name: str) -> str:
    """Where a file with this content and name is kept, relative to the archive folder."""
    return f"{digest[:2]}/{digest}/{name}"


def archive_file(path: Path, archive_dir: Path, digest: str | None = None) -> ArchivedFile:
    """Copy path into the archive (once per content) and append it to the manifest."""
    digest = digest or sha256_of(path)
    target = archive_dir / archive_relpath(digest, path.name)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".part")
        shutil.copyfile(path, tmp)
        tmp.replace(target)
    entry = ArchivedFile(
        sha256=digest,
        original=str(path.resolve()),
        archived=str(target),
        size=path.stat().st_size,
        archived_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    archive_dir.mkdir(parents=True, exist_ok=True)
    with (archive_dir / "manifest.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(entry)) + "\n")
    return entry
