"""Whole pages kept for the person who asked for them, until anything they show changes.

A person who reloads a project's board, or comes back to it, usually finds nothing changed:
yet the page costs its base layout, its chrome and its results to render again, several times
the cost of the request itself. ``KeptPageMixin`` keeps the rendered page under a key that
names everything it shows (``key``): the project as loaded (so its content version,
``codesign.content``), its organisation (its look), the person (their row, their roles, their
membership row and what apps declare every page shows of them, such as the unread
notifications: ``access.register_person_state``), the full path, the language, the time zone
and the easy-read choice. Nothing is ever cleared: a change to any of those makes a new key,
and the old entry is never asked for again. A page that draws the supports and comment counts
it shows when it is served (``draw_tallies``), or shows none, is kept under the version of
everything but them (``kept_without``), so people supporting and commenting leave it kept: it
is kept with the project's versions it was drawn at, and drawn again (and kept so) when they
have moved on, knowing which tallies moved (``tallies_moved``).

The permission checks run first, on every request, as for any view: a kept page is only ever
served to someone the rules let see it now. What differs from one request to the next is put
in when the page is served: the form token (each request's own, through ``get_token``), the
seconds left before the idle sign-out, and the parts a view draws for every request
(``drawn_when_served``: what changes without any version moving, such as the messages sent
about a session as the worker sends them). A request with messages waiting (``messages`` framework)
is rendered afresh and not kept, and so is every request made by htmx (partials), every answer
but a 200 and anything inside a transaction (``content.may_keep``).
"""

from functools import lru_cache

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.functional import LazyObject, empty

from . import access, content, context_processors, permissions
from .bilingual import wants_easy_read


def mark(name: str) -> str:
    """A stand-in put in the page while it is rendered for keeping, and replaced each time it
    is served; derived from the secret key, so no text anyone writes can fake it (worked out
    once a process for each name and key: a kept page is served with three)."""
    return _mark(name, settings.SECRET_KEY)


@lru_cache(maxsize=64)
def _mark(name: str, secret: str) -> str:
    return "kept" + salted_hmac("codesign.kept_pages", name, secret=secret).hexdigest()[:24]


# The project's versions, left out of its row for a page kept while only tallies change.
VERSIONS = ("content_version", "supports_version", "comments_version")


def row(instance, leave_out=()) -> tuple | None:
    """The values of a row's columns as loaded (none read from the database); of the row
    itself for one behind a lazy object (``request.user``), whose own attributes are not the
    row's."""
    if isinstance(instance, LazyObject):
        if instance._wrapped is empty:
            instance._setup()
        instance = instance._wrapped
    if instance is None:
        return None
    loaded = instance.__dict__
    return (
        type(instance).__name__,
        tuple(
            loaded.get(field.attname)
            for field in instance._meta.concrete_fields
            if field.attname not in leave_out
        ),
    )


def key(request, project, *, without=()) -> str:
    """The key of the page ``request`` asks for: everything the page shows is named in it
    (but the tallies ``without``, which the page draws when served or does not show)."""
    user = request.user
    return content.key(
        "kept-page",
        request.get_full_path(),
        (row(project, VERSIONS), without, project.version_without(without))
        if without
        else row(project),
        row(project.organisation),
        row(getattr(project, "current_stage", None)),
        row(user),
        sorted(permissions.project_roles(user, project)),
        row(permissions.project_membership(user, project)),
        sorted(access.person_states(request).items()),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        wants_easy_read(request),
    )


def may_keep(request) -> bool:
    """Whether this request's page may be served from, and kept for, the person."""
    return (
        request.method == "GET"
        and not request.headers.get("HX-Request")
        and not len(messages.get_messages(request))
        and content.may_keep()
    )


class KeptPageMixin:
    """Keep the whole page of a ``ProjectMixin`` view's GET for the person (see above)."""

    kept_page_seconds = content.KEEP_SECONDS

    def keep_with_page(self, cache_key: str, value) -> None:
        """Keep ``value`` (a part of the page the view kept apart, such as the board's
        results) in the same round trip as the page, when the page is being kept; at once
        otherwise."""
        if getattr(self, "_keeping", False):
            self.__dict__.setdefault("kept_with_page", {})[cache_key] = value
        else:
            content.keep(cache_key, value, self.kept_page_seconds)

    def kept_without(self) -> tuple[str, ...]:
        """The tallies ("supports", "comments") the page is kept without: it shows none of
        them, or draws each it shows when served (``draw_tallies``) and nothing else on it
        depends on them."""
        return ()

    def drawn_when_served(self) -> dict:
        """Parts of the page drawn afresh for every request, kept page or not: {name in the
        context: a function returning its HTML}."""
        return {}

    # On a kept page drawn again: which tallies ("supports", "comments") have moved since.
    tallies_moved = frozenset(("supports", "comments"))

    def draw_tallies(self, html: str) -> str:
        """The page with the tallies it shows drawn as they stand now (``tallies_moved``: those
        that may have changed since ``html`` was drawn)."""
        return html

    def get(self, request, *args, **kwargs):
        if not may_keep(request):
            response = super().get(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.content = self.draw_tallies(response.render().content.decode())
            return response
        page_key = key(request, self.project, without=self.kept_without())
        versions = tuple(getattr(self.project, name) for name in VERSIONS)
        kept = content.kept(page_key)
        if kept is not None:
            drawn_at, html = kept
            if drawn_at != versions:  # tallies have changed since it was drawn
                moved = zip(VERSIONS[1:], drawn_at[1:], versions[1:], strict=True)
                self.tallies_moved = {
                    name.removesuffix("_version") for name, then, now in moved if then != now
                }
                html = self.draw_tallies(html)
                content.keep(page_key, (versions, html), self.kept_page_seconds)
            return HttpResponse(self._served(html))
        self._keeping = True
        response = super().get(request, *args, **kwargs)
        if not hasattr(response, "render"):
            return response  # a redirect, or any answer not drawn from a template
        html = self.draw_tallies(response.render().content.decode())
        kept = dict(getattr(self, "kept_with_page", {}))
        if response.status_code == 200 and not len(messages.get_messages(request)):
            kept[page_key] = (versions, html)
        content.keep_many(kept, self.kept_page_seconds)
        # Kept or not, what is sent has this request's own token and idle seconds.
        response.content = self._served(html)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        keeping = getattr(self, "_keeping", False)
        if keeping:
            # Stand-ins for what each request has of its own (put in by ``_served``).
            context["csrf_token"] = mark("csrf")
            context["idle_remaining"] = mark("idle")
        for name, draw in self.drawn_when_served().items():
            context[name] = mark(name) if keeping else draw()
        return context

    def _served(self, html: str) -> str:
        idle = context_processors.idle(self.request)["idle_remaining"]
        html = html.replace(mark("csrf"), get_token(self.request)).replace(mark("idle"), str(idle))
        for name, draw in self.drawn_when_served().items():
            html = html.replace(mark(name), draw())
        return html
