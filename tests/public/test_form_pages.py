"""A form page returned with errors says so in its title and sums the errors up at its top,
each linking to its field; the board's quick-add updates the count it showed."""

import re

import pytest
from django.urls import reverse

from contributions.models import Contribution


@pytest.mark.django_db
def test_a_page_returned_with_errors_says_error_first_and_links_to_each_field(world, client):
    client.force_login(world.users["facilitator"])
    response = client.post(reverse("participants:invite", args=[world.project.pk]), {})
    html = response.content.decode()
    assert re.search(r"<title>Error: ", html)
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 2)[0]
    assert '<a href="#id_email">Enter email address</a>' in summary
    assert re.search(r'<div class="error-summary" id="error-summary" tabindex="-1"', html)


@pytest.mark.django_db
def test_a_page_without_errors_has_no_summary_and_a_plain_title(world, client):
    client.force_login(world.users["facilitator"])
    html = client.get(reverse("participants:invite", args=[world.project.pk])).content.decode()
    assert "error-summary" not in html
    assert not re.search(r"<title>Error: ", html)


@pytest.mark.django_db
def test_the_quick_add_sends_back_the_boards_count_with_the_new_card(world, client):
    client.force_login(world.users["service_user"])
    response = client.post(
        reverse("contributions:contribution-create", args=[world.project.pk]),
        {"kind": "idea", "title": "Ring before discharge", "body": "", "board_count": "4"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert Contribution.objects.filter(title="Ring before discharge").exists()
    assert re.search(r'id="board-count" data-count="5" hx-swap-oob="true">\s*5 contributions', html)


@pytest.mark.django_db
def test_the_quick_add_without_a_count_sends_none(world, client):
    client.force_login(world.users["service_user"])
    response = client.post(
        reverse("contributions:contribution-create", args=[world.project.pk]),
        {"kind": "idea", "title": "Ring before discharge", "board_count": "lots"},
        HTTP_HX_REQUEST="true",
    )
    assert 'id="board-count"' not in response.content.decode()
