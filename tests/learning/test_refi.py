"""The REFI-QDA export: a .qdpx whose project.qde validates against the REFI-QDA schema, with
contributions coded by theme and by the catalogue entries of the CMO records they support."""

import io
import zipfile

import pytest
from django.urls import reverse
from lxml import etree

from learning.refi.export import NS, SCHEMA, guid
from learning.themes import services as theme_services
from tests.factories import ContributionFactory

from .helpers import cmo_record, link, mechanism

pytestmark = pytest.mark.django_db


def test_the_qdpx_validates_and_carries_themes_and_cmo_codes(world, client_for):
    project = world.project
    waiting = ContributionFactory(
        project=project, title="Waiting for tablets", body="Pharmacy medicines came late."
    )
    ContributionFactory(project=project, title="Late medicines", body="Pharmacy tablets late.")
    ContributionFactory(project=project, title="Transport", body="The ambulance came at 9pm.")
    hidden = ContributionFactory(project=project, title="Hidden one", hidden_at="2026-01-01T00:00Z")
    run = theme_services.theme_run_request(project=project, requested_by=None)
    theme_services.theme_run_build(run_id=run.pk)
    theme = run.themes.get(contributions=waiting)
    theme_services.theme_accept(theme=theme, name="Waiting for medicines", decided_by=None)
    cmo = cmo_record(project)
    link(cmo, item=mechanism(world.organisation))
    link(cmo, contribution=waiting)

    response = client_for(world.users["facilitator"]).get(
        reverse("learning:project-qdpx", args=[project.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.qdpx"')
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        qde = archive.read("project.qde")
    document = etree.fromstring(qde)
    assert etree.XMLSchema(etree.parse(str(SCHEMA))).validate(document)
    ns = {"q": NS}
    names = document.xpath("//q:CodeBook//q:Code/@name", namespaces=ns)
    assert "Waiting for medicines" in names and "Hearing experiences first-hand" in names
    source = document.xpath(
        "//q:TextSource[@guid=$g]", namespaces=ns, g=guid("contribution", waiting.pk)
    )[0]
    coded = set(source.xpath(".//q:CodeRef/@targetGUID", namespaces=ns))
    mechanism_guid = guid("item", mechanism(world.organisation).pk)
    assert coded == {guid("theme", theme.pk), mechanism_guid}
    assert source.xpath("string(.//q:TextValue)", namespaces=ns) == "Service user"
    titles = document.xpath("//q:TextSource/@name", namespaces=ns)
    assert not any(hidden.title in title for title in titles)
    assert world.users["facilitator"].email.encode() not in qde
    record = document.xpath("//q:TextSource[starts-with(@name, 'CMO record')]", namespaces=ns)[0]
    assert record.xpath(".//q:CodeRef/@targetGUID", namespaces=ns) == [mechanism_guid]


def test_managers_may_not_export(world, client_for):
    url = reverse("learning:project-qdpx", args=[world.project.pk])
    assert client_for(world.users["manager"]).get(url).status_code == 403


def test_a_project_with_nothing_yet_exports_a_valid_file(world, client_for):
    response = client_for(world.users["facilitator"]).get(
        reverse("learning:project-qdpx", args=[world.project.pk])
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        document = etree.fromstring(archive.read("project.qde"))
    assert etree.XMLSchema(etree.parse(str(SCHEMA))).validate(document)
