"""A facilitator writes the project's summary in Welsh, with an easy-read version; a participant
whose language is Welsh reads it, sees an English-only text marked as English (with its lang
set for screen readers), and switches to easy read. At 375 px, every page checked with axe."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from projects.models import Project, Stage

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WELSH_SUMMARY = "Mae gadael yr ysbyty yn ddryslyd i gleifion a'u gofalwyr."
EASY_READ_CY = "Mae gadael yr ysbyty yn anodd.\nRydym eisiau ei wneud yn well."
ENGLISH_ONLY = "Staff and patients meet to choose what to change first."


def test_a_welsh_summary_read_in_welsh_with_fallback_and_easy_read(world, live_server, open_page):
    Stage.objects.create(
        project=world.project, name="Joint event", description=ENGLISH_ONLY, order=1
    )
    facilitator = open_page(viewport=NARROW)
    login(facilitator, live_server, world.users["facilitator"].email)
    facilitator.goto(f"{live_server.url}/projects/{world.project.pk}/edit/")
    axe_check(facilitator)
    facilitator.locator("[name=title_cy]").fill("Mynd adref o Ward 7")
    facilitator.locator("[name=challenge_cy]").fill(WELSH_SUMMARY)
    facilitator.locator("[name=challenge_easy_read_cy]").fill(EASY_READ_CY)
    facilitator.get_by_role("button", name="Save project").click()
    expect(facilitator).to_have_url(re.compile(rf"/projects/{world.project.pk}/$"))
    assert Project.objects.get(pk=world.project.pk).challenge_cy == WELSH_SUMMARY

    User.objects.filter(pk=world.users["service_user"].pk).update(language="cy")
    reader = open_page(viewport=NARROW)
    login(reader, live_server, world.users["service_user"].email)
    reader.goto(f"{live_server.url}{world.project.get_absolute_url()}")
    expect(reader.locator("html")).to_have_attribute("lang", re.compile("^cy"))
    expect(reader.get_by_role("heading", level=1)).to_have_text("Mynd adref o Ward 7")
    expect(reader.locator(".challenge")).to_have_text(WELSH_SUMMARY)
    # The stage's description has no Welsh: shown in English, marked, in an element whose
    # lang tells a screen reader to switch voice.
    fallback = reader.locator('[lang="en-GB"]', has_text=ENGLISH_ONLY)
    expect(fallback).to_be_visible()
    expect(reader.locator(".fallback-note").first).to_have_text("(yn Saesneg)")
    axe_check(reader)

    reader.locator(".easy-read-toggle button[type=submit]").click()
    easy = reader.locator(".easy-read p")
    expect(easy).to_have_text(["Mae gadael yr ysbyty yn anodd.", "Rydym eisiau ei wneud yn well."])
    assert User.objects.get(pk=world.users["service_user"].pk).prefers_easy_read
    # Large print on screen too.
    size = easy.first.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    assert size >= 20
    axe_check(reader)
    # Printed in large print: 18 pt (24 px) for the easy read, and the switch left off paper.
    reader.emulate_media(media="print")
    printed = easy.first.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    assert printed >= 24
    expect(reader.locator(".easy-read-toggle")).to_be_hidden()
    reader.emulate_media(media="screen")
    # Back to the full text.
    reader.locator(".easy-read-toggle button[type=submit]").click()
    expect(reader.locator(".challenge")).to_have_text(WELSH_SUMMARY)
