"""Which version of the code is running, for keys of what the cache keeps across requests.

Kept dashboard figures and rendered fragments are named by the data they show; this names the
code that made them too, so that after a deploy that changes a template, a translation or a
calculation, no page shows what the previous version rendered.
"""

import functools
import hashlib
from pathlib import Path

from django.conf import settings

# What decides what a page shows: code, templates and compiled translations.
SUFFIXES = {".py", ".html", ".mo"}
SKIPPED = {"__pycache__", "bench", "node_modules", "static", "tests", "var"}


@functools.cache
def fingerprint() -> str:
    """A digest of the project's own code, templates and translations, the same on every
    process that runs the same files (worked out once per process)."""
    root = Path(settings.BASE_DIR)
    # Uploads and collected static files are not code, wherever they are kept.
    skipped = {Path(folder).resolve() for folder in (settings.MEDIA_ROOT, settings.STATIC_ROOT)}
    digest = hashlib.blake2b(digest_size=12)
    for path in sorted(_files(root, skipped)):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _files(folder: Path, skipped: set[Path]):
    for entry in folder.iterdir():
        if entry.is_dir():
            shipped = entry.name not in SKIPPED and not entry.name.startswith(".")
            if shipped and entry.resolve() not in skipped:
                yield from _files(entry, skipped)
        elif entry.suffix in SUFFIXES:
            yield entry
