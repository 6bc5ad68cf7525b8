"""Reflow (WCAG 1.4.10) on every page the permission matrix reaches: no sideways scrolling at
320 px wide, nor on a 1280 px screen at 200% zoom (640 CSS pixels, two device pixels each).

The pages and the objects behind them come from tests/test_permission_matrix.py. Each page is
opened once, by the person most likely to see the most of it (a facilitator, else a manager,
else whoever may), and by someone signed out where it is public; the sign-in library's pages
signed out and, for the account pages, signed in.
"""

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Error

from tests import test_permission_matrix as matrix

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Who opens a page: the first of these who may see it.
PREFERRED = ("facilitator", "manager", "org_admin", "superuser", "service_user", "observer")
WIDTHS = {"320 px": 320, "200% zoom": 640}
MEASURE = """() => {
  const root = document.scrollingElement;
  const wide = [...document.querySelectorAll("main *")]
    .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 1)
    .slice(0, 3)
    .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
      + (e.className && typeof e.className === "string" ? "." + e.className.split(" ")[0] : ""));
  return {page: !!document.querySelector("main"), width: root.scrollWidth,
          room: root.clientWidth, wide};
}"""


def _pages(world):
    """(role, url) for each page to open; role None is someone signed out."""
    scenes = {None: matrix.Scene(world, "a")}
    pages = []
    for name in sorted(matrix.OUR_URLS):
        try:
            url = matrix.build_url(name, scenes)
        except NoReverseMatch:
            continue
        may = {role for role, (get, _) in matrix.expected(name, "active").items() if get == 200}
        if "anonymous" in may:
            pages.append((None, url))
        if role := next((r for r in PREFERRED if r in may), None):
            pages.append((role, url))
    for url in matrix.URLS:
        if url["group"] == "allauth" and url["name"] and not url["kwargs"]:
            pages += [(None, reverse(url["name"])), ("facilitator", reverse(url["name"]))]
    return pages


def test_every_page_reflows_at_320_px_and_at_200_percent_zoom(
    new_context, live_server, world, settings
):
    settings.CODESIGN_REQUIRE_MFA = False  # the two-step gate has its own tests
    pages = _pages(world)
    browsers = {}
    problems, measured = [], 0
    for role, url in pages:
        if role not in browsers:
            context = new_context(viewport={"width": 320, "height": 640}, device_scale_factor=2)
            browsers[role] = context.new_page()
            if role:
                login(browsers[role], live_server, world.users[role].email)
        page = browsers[role]
        page.set_viewport_size({"width": 320, "height": 640})
        try:
            response = page.goto(live_server.url + url)
        except Error:
            continue  # a download (CSV, PDF, calendar file): nothing to reflow
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 640})
            found = page.evaluate(MEASURE)
            if not found["page"]:
                break  # a fragment htmx swaps into a page, not a page of its own
            if found["width"] > found["room"] + 1:
                problems.append(
                    f"{url} as {role or 'signed out'} at {label}: {found['width']} px wide"
                    f" in {found['room']} ({', '.join(found['wide'])})"
                )
        else:
            measured += 1
    assert measured > 100, f"only {measured} pages measured"
    assert not problems, "Pages that scroll sideways:\n" + "\n".join(problems)
