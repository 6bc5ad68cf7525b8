"""Browser tests: Chromium from the system package, driven by Playwright against live_server.

Every page a test opens is watched: a console error, an uncaught page error or a Content
Security Policy violation fails the test at teardown, even if its assertions passed.
"""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import PASSWORD

# live_server runs the app in a thread of this process while Playwright's sync API holds an
# event loop in the main thread; Django's async-safety check would refuse every ORM call.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
NARROW = {"width": 375, "height": 812}
SERIOUS = {"serious", "critical"}

_axe = Axe()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = "Chromium not installed: apt-get install -y chromium"
        if os.environ.get("CODESIGN_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def browser_problems():
    """Console errors, page errors and CSP violations seen by any page of the test."""
    problems = []
    yield problems
    if problems:
        pytest.fail("The browser reported problems:\n" + "\n".join(problems))


def _watch(page, problems):
    def on_console(message):
        text = message.text
        if "Content Security Policy" in text:
            problems.append(f"CSP violation on {page.url}: {text}")
        elif message.type == "error":
            problems.append(f"console error on {page.url}: {text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error on {page.url}: {error}"))
    return page


@pytest.fixture
def open_page(new_context, browser_problems):
    """Open a page in a new browser context (a separate person), watched for problems."""

    def open_(**context_args):
        return _watch(new_context(**context_args).new_page(), browser_problems)

    return open_


@pytest.fixture
def page(open_page):
    return open_page()


SETTLED = """() => new Promise((frame) => requestAnimationFrame(() => requestAnimationFrame(frame)))
  .then(() => Promise.all(document.getAnimations()
    .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
    .map((a) => a.finished.catch(() => null))))"""


def axe_check(page):
    """Fail if axe-core finds a serious or critical accessibility violation on the page."""
    # Colours are judged once they have settled: htmx gives a swapped element its new classes
    # as it settles, and a button's colour transition would otherwise be measured halfway.
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
    # Endless ones (a spinner) are not waited for; one cut short by a swap counts as ended.
    page.evaluate(SETTLED)
    results = _axe.run(page)
    violations = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
    if violations:
        lines = [f"axe found {len(violations)} serious or critical violations on {page.url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            lines.extend(
                f"    {node['target']}: {node['html'][:200]} "
                + " ".join(check["message"] for check in node.get("any", []))
                for node in violation["nodes"]
            )
        pytest.fail("\n".join(lines))


LANGUAGES = ["en-gb", "cy"]


def read_in(page, live_server, language):
    """Show the pages in the language from now on, as the switcher's cookie does (for someone
    whose account names no language of its own)."""
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )


def login(page, live_server, email, password=PASSWORD):
    """Sign in through the password form and wait until the app has let the person in."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    # Deferred scripts (Bootstrap's collapse) run before "load"; tests may click the menu next.
    page.wait_for_load_state()
