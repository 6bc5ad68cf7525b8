"""Which release of the code is running, for the keys of what the cache keeps across requests.

What is kept for a project's pages is named by its content version (``codesign.content``) and by
this, so that after a deploy that changes a template, a translation or a calculation, no page
shows what the previous release made. The build names the release (``CODESIGN_RELEASE``, set by
the Makefile and the Dockerfile); without it, the installed package's version.
"""

from functools import cache
from importlib import metadata

from django.conf import settings


def current() -> str:
    """The running release: the build's name for it, or the package's version."""
    return settings.RELEASE or package_version()


@cache
def package_version() -> str:
    """The installed package's version, read once a process: reading it opens and parses its
    metadata file (a few milliseconds, on each page that keeps something), and a process
    runs the code it started with whatever is installed later."""
    try:
        return metadata.version("codesign")
    except metadata.PackageNotFoundError:
        return ""
