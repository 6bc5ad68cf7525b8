"""A project's contributions, accepted themes (its own and those across projects it was said
in) and CMO records as a REFI-QDA project (.qdpx), for evaluators to open in NVivo, ATLAS.ti
or MAXQDA.

The codebook holds the accepted themes and the organisation's catalogue (by lens); each
contribution is a text source, coded with its themes and with the catalogue entries of the
CMO records it is evidence for; each CMO record is a text source coded with its entries. A
contribution carries its constituency as a variable, never its author. Identifiers are
derived from the rows (the same project exports the same GUIDs). The XML is checked against
the REFI-QDA schema (Project.xsd, kept beside this module with its licence) before it is
returned.
"""

import io
import uuid
import zipfile
from collections import defaultdict
from functools import cache
from pathlib import Path

from django.utils import timezone
from lxml import etree

from changes.models import Evidence
from contributions.models import Contribution

from ..models import CatalogueItem, CmoLink, Lens, Theme
from ..selectors import citable_themes

NS = "urn:QDA-XML:project:1.0"
SCHEMA = Path(__file__).with_name("Project.xsd")
ORIGIN = "Codesign"
_GUIDS = uuid.UUID("6f1d2a64-3c8e-4b8e-9a57-0c2f5d1e7b10")


class InvalidExport(ValueError):
    """The XML does not satisfy the REFI-QDA schema."""


def guid(kind: str, pk) -> str:
    return str(uuid.uuid5(_GUIDS, f"{kind}:{pk}"))


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def _el(parent, tag, text=None, **attributes):
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", {k: str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def _codebook(root, themes, items):
    if not (themes or items):
        return  # the schema wants at least one code in a codebook
    codes = _el(_el(root, "CodeBook"), "Codes")
    if themes:
        group = _el(codes, "Code", guid=guid("group", "themes"), name="Themes", isCodable="false")
        for theme in themes:
            code = _el(
                group, "Code", guid=guid("theme", theme.pk), name=theme.name, isCodable="true"
            )
            _el(code, "Description", ", ".join(theme.terms))
    by_lens = defaultdict(list)
    for item in items:
        by_lens[item.lens].append(item)
    for lens in Lens:
        if not by_lens[lens.value]:
            continue
        group = _el(
            codes, "Code", guid=guid("lens", lens.value), name=str(lens.label), isCodable="false"
        )
        for item in by_lens[lens.value]:
            code = _el(group, "Code", guid=guid("item", item.pk), name=item.name, isCodable="true")
            if item.offered:
                _el(code, "Description", f"{item.offered} → {item.response}")


def _source(sources, kind, pk, name, text, codes, when, user, constituency=None):
    source = _el(
        sources,
        "TextSource",
        guid=guid(kind, pk),
        name=name[:200],
        creatingUser=user,
        creationDateTime=when.isoformat(timespec="seconds"),
    )
    _el(source, "PlainTextContent", text)
    if codes:
        selection = _el(
            source,
            "PlainTextSelection",
            guid=guid(f"{kind}-all", pk),
            name=name[:200],
            startPosition=0,
            endPosition=len(text),
        )
        for code in sorted(codes):
            coding = _el(selection, "Coding", guid=guid(f"{kind}-{code}", pk), creatingUser=user)
            _el(coding, "CodeRef", targetGUID=code)
    if constituency is not None:
        value = _el(source, "VariableValue")
        _el(value, "VariableRef", targetGUID=guid("variable", "constituency"))
        _el(value, "TextValue", constituency)


def _theme_codes(themes) -> dict[int, set[str]]:
    """Each contribution's theme codes."""
    codes = defaultdict(set)
    for theme_id, contribution_id in Theme.contributions.through.objects.filter(
        theme__in=themes
    ).values_list("theme_id", "contribution_id"):
        codes[contribution_id].add(guid("theme", theme_id))
    return codes


def project_qde(project) -> bytes:
    """The project.qde XML of the project, checked against the schema."""
    # The project's accepted themes, and those across projects that hold its contributions.
    themes = list(citable_themes(project))
    items = list(CatalogueItem.objects.filter(organisation_id=project.organisation_id))
    contributions = list(
        Contribution.objects.filter(project=project, hidden_at__isnull=True)
        .visible()
        .order_by("pk")
    )
    records = list(
        Evidence.objects.filter(kind=Evidence.Kind.CMO, change__project=project)
        .select_related("change")
        .order_by("pk")
    )
    links = CmoLink.objects.filter(cmo__in=records).values_list(
        "cmo_id", "item_id", "contribution_id"
    )
    record_codes, evidence_of = defaultdict(set), defaultdict(set)
    for cmo_id, item_id, contribution_id in links:
        if item_id:
            record_codes[cmo_id].add(guid("item", item_id))
        if contribution_id:
            evidence_of[contribution_id].add(cmo_id)
    theme_codes = _theme_codes(themes)

    user = guid("user", "codesign")
    now = timezone.now().isoformat(timespec="seconds")
    root = etree.Element(f"{{{NS}}}Project", nsmap={None: NS}, name=project.title, origin=ORIGIN)
    root.set("creatingUserGUID", user)
    root.set("creationDateTime", now)
    _el(_el(root, "Users"), "User", guid=user, name="Codesign")
    _codebook(root, themes, items)
    if contributions:
        _el(
            _el(root, "Variables"),
            "Variable",
            guid=guid("variable", "constituency"),
            name="Constituency",
            typeOfVariable="Text",
        )
    # The schema wants at least one source in Sources: an empty project has none.
    sources = _el(root, "Sources") if contributions or records else None
    for contribution in contributions:
        codes = set(theme_codes[contribution.pk])
        for cmo_id in evidence_of[contribution.pk]:
            codes |= record_codes[cmo_id]
        text = f"{contribution.title}\n\n{contribution.body}".strip()
        _source(
            sources,
            "contribution",
            contribution.pk,
            f"{contribution.get_kind_display()}: {contribution.title}",
            text,
            codes,
            contribution.created_at,
            user,
            constituency=contribution.get_constituency_display(),
        )
    for record in records:
        text = (
            f"Context: {record.context}\nMechanism: {record.mechanism}\nOutcome: {record.outcome}"
        )
        _source(
            sources,
            "cmo",
            record.pk,
            f"CMO record: {record.change.title}",
            text,
            record_codes[record.pk],
            record.created_at,
            user,
        )
    _el(root, "Description", project.challenge)
    if not schema().validate(root):
        raise InvalidExport(str(schema().error_log.last_error))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def project_qdpx(project) -> bytes:
    """The .qdpx file: a zip holding project.qde."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project_qde(project))
    return buffer.getvalue()
