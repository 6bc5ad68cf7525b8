"""Service changes and "you said, we did" written in English and Welsh."""

import pytest
from django.urls import reverse
from django.utils import translation

from changes.models import ServiceChange, YouSaidWeDid
from changes.yousaid.pdf import poster_pdf

from .test_you_said import CONTRIBUTION_BODY, pdf_text, scene  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_change_form_saves_welsh_and_the_edit_form_starts_from_it(world, client):
    client.force_login(world.users["facilitator"])
    create = reverse("changes:change-create", args=[world.project.pk])
    assert "In Welsh (Cymraeg)" in client.get(create).content.decode()
    client.post(
        create,
        {
            "title": "Medicines ready the day before",
            "title_cy": "Meddyginiaethau'n barod y diwrnod cynt",
            "description_cy": "Mae'r fferyllfa'n eu paratoi'r prynhawn cynt.",
            "scope": "service",
            "progress": 0,
        },
    )
    change = ServiceChange.objects.get()
    assert change.title_cy == "Meddyginiaethau'n barod y diwrnod cynt"
    edit = reverse("changes:change-edit", args=[world.project.pk, change.pk])
    assert "Mae&#x27;r fferyllfa&#x27;n eu paratoi" in client.get(edit).content.decode()
    page = client.get(change.get_absolute_url()).content.decode()
    # No English description: the Welsh one is shown, marked as Welsh.
    assert '<div class="lead mb-3 written-text" lang="cy">Mae&#x27;r fferyllfa' in page
    assert "(in Welsh)" in page


def test_you_said_is_written_in_both_languages(scene, client_for):  # noqa: F811
    client = client_for(scene.users["facilitator"])
    url = reverse("yousaid:edit", args=[scene.project.pk])
    response = client.post(
        url,
        {
            "introduction": "Thank you all.",
            "introduction_cy": "Diolch i bawb.",
            f"summary_{scene.change.pk}": "Waiting for medicines spoilt going home.",
            f"summary_{scene.change.pk}_cy": "Roedd aros am feddyginiaethau yn difetha mynd adref.",
        },
    )
    assert response.status_code == 302
    scene.change.refresh_from_db()
    assert scene.change.you_said_cy == "Roedd aros am feddyginiaethau yn difetha mynd adref."
    assert YouSaidWeDid.objects.get(project=scene.project).introduction_cy == "Diolch i bawb."


def test_a_welsh_summary_that_quotes_a_contribution_is_refused(scene, client_for):  # noqa: F811
    client = client_for(scene.users["facilitator"])
    response = client.post(
        reverse("yousaid:edit", args=[scene.project.pk]),
        {"introduction": "", f"summary_{scene.change.pk}_cy": CONTRIBUTION_BODY},
    )
    assert response.status_code == 200
    assert "This repeats the words of a contribution." in response.content.decode()


def test_the_poster_marks_a_text_in_the_other_language(scene):  # noqa: F811
    record = YouSaidWeDid.objects.create(project=scene.project, introduction_cy="Diolch i bawb.")
    changes = [scene.change]
    _reader, text = pdf_text(poster_pdf(project=scene.project, record=record, changes=changes))
    assert "Diolch i bawb. (in Welsh)" in text
    ServiceChange.objects.filter(pk=scene.change.pk).update(title_cy="Meddyginiaethau'n barod")
    scene.change.refresh_from_db()
    with translation.override("cy"):
        _reader, text = pdf_text(poster_pdf(project=scene.project, record=record, changes=changes))
    assert "Meddyginiaethau'n barod" in text
    assert "Medicines ready the day before" not in text
