"""Which release of the code is running, for the keys of what the cache keeps across requests.

What is kept for a project's pages is named by its content version (``codesign.content``) and by
this, so that after a deploy that changes a template, a translation or a calculation, no page
shows what the previous release made. The build names the release (``CODESIGN_RELEASE``, set by
the Makefile and the Dockerfile); without it, the installed package's version.
"""

from importlib import metadata

from django.conf import settings


def current() -> str:
    """The running release: the build's name for it, or the package's version."""
    if settings.RELEASE:
        return settings.RELEASE
    try:
        return metadata.version("codesign")
    except metadata.PackageNotFoundError:
        return ""
