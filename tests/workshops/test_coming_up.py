"""A session recorded as held is no longer "coming up", even before its planned end."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import WorkshopSessionFactory

pytestmark = pytest.mark.django_db


def test_a_held_session_is_not_listed_as_coming_up(world, client_for):
    now = timezone.now()
    WorkshopSessionFactory(
        project=world.project,
        title="Morning event, closed early",
        status="held",
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=1),
    )
    WorkshopSessionFactory(
        project=world.project,
        title="Next week's event",
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=7, hours=2),
    )
    client = client_for(world.users["facilitator"])
    pages = {
        "sessions": reverse("workshops:session-list", args=[world.project.pk]),
        "project": world.project.get_absolute_url(),
        "dashboard": reverse("dashboards:project", args=[world.project.pk]),
    }
    headings = {"sessions": "Coming up", "project": "Coming up", "dashboard": "Upcoming sessions"}
    for name, url in pages.items():
        html = client.get(url).content.decode()
        after = html.split(headings[name], 1)[1].split("</h", 1)[1]
        section = min(after.split("</section>", 1)[0], after.split("<h", 1)[0], key=len)
        assert "Next week" in section, name
        assert "closed early" not in section, name
