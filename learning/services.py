"""Writes of the organisation's learning: the catalogue, CMO records' links, the programme
theory."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .catalogue import STARTING_CATALOGUE
from .models import TARGETS, CatalogueItem, CmoLink, Lens, ProgrammeTheoryVersion
from .selectors import citable_themes


def catalogue_seed(*, organisation) -> int:
    """Give an organisation the starting catalogue (what it has already is kept as it is)."""
    have = set(organisation.catalogue_items.values_list("lens", "name"))
    items = [
        CatalogueItem(
            organisation=organisation,
            lens=lens,
            name=name,
            offered=offered,
            response=response,
            description=description,
        )
        for lens, name, offered, response, description in STARTING_CATALOGUE
        if (lens, name) not in have
    ]
    CatalogueItem.objects.bulk_create(items)
    return len(items)


def catalogue_seed_on_create(sender, instance, created, raw=False, **kwargs):
    """Seed the catalogue of an organisation just created (not one loaded from a fixture)."""
    if created and not raw:
        catalogue_seed(organisation=instance)


def _clean_item(item: CatalogueItem) -> None:
    if item.lens == Lens.MECHANISM and not (item.offered.strip() and item.response.strip()):
        raise ValidationError(
            {
                field: _("A mechanism needs this half too.")
                for field in ("offered", "response")
                if not getattr(item, field).strip()
            }
        )
    item.full_clean()


@transaction.atomic
def catalogue_item_create(*, organisation, **fields) -> CatalogueItem:
    """Add an entry to an organisation's catalogue (the same entry sent twice is added once)."""
    same = CatalogueItem.objects.filter(
        organisation=organisation, lens=fields.get("lens"), name=fields.get("name", "").strip()
    ).first()
    if same is not None and all(getattr(same, key) == value for key, value in fields.items()):
        return same
    item = CatalogueItem(organisation=organisation, **fields)
    item.name = item.name.strip()
    _clean_item(item)
    item.save()
    return item


@transaction.atomic
def catalogue_item_update(*, item: CatalogueItem, **fields) -> CatalogueItem:
    """Change an entry of the catalogue."""
    for key, value in fields.items():
        setattr(item, key, value)
    item.name = item.name.strip()
    _clean_item(item)
    item.save()
    return item


@transaction.atomic
def catalogue_item_delete(*, item: CatalogueItem) -> None:
    """Remove an entry of the catalogue, and the CMO records' links to it."""
    item.delete()


@transaction.atomic
def cmo_link_add(*, cmo, created_by, stance: str, confidence: str, **target) -> CmoLink:
    """Link a CMO record to a catalogue entry or a piece of its project's evidence.

    The same target linked again is re-rated, not linked twice.
    """
    (kind, obj), *rest = target.items()
    if rest or kind not in TARGETS:
        raise ValidationError(_("Choose one thing to link."))
    if kind == "item":
        if obj.organisation_id != cmo.change.project.organisation_id:
            raise ValidationError({"item": _("Choose an entry of this organisation's catalogue.")})
    elif kind == "theme":
        if obj.status != "accepted":
            raise ValidationError({"evidence": _("Only an accepted theme can be cited.")})
        if not citable_themes(cmo.change.project).filter(pk=obj.pk).exists():
            raise ValidationError({"evidence": _("Choose evidence from this project.")})
    elif obj.project.pk != cmo.change.project_id:
        raise ValidationError({"evidence": _("Choose evidence from this project.")})
    link = CmoLink.objects.filter(cmo=cmo, **{kind: obj}).first() or CmoLink(
        cmo=cmo, created_by=created_by, **{kind: obj}
    )
    link.stance, link.confidence = stance, confidence
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def cmo_link_remove(*, link: CmoLink) -> None:
    """Remove one link of a CMO record."""
    link.delete()


def theory_current(organisation) -> ProgrammeTheoryVersion | None:
    return organisation.programme_theory.order_by("-number").first()


@transaction.atomic
def theory_revise(
    *, organisation, statements: list[str], reason: str, changed_by
) -> ProgrammeTheoryVersion:
    """Write a new version of the organisation's programme theory, saying why.

    Sending the same statements and reason again (a double click) makes no new version.
    """
    statements = [line.strip() for line in statements if line.strip()]
    if not statements:
        raise ValidationError({"statements": _("Write at least one statement.")})
    # Lock the organisation's versions so two admins saving at once get numbers in turn.
    versions = list(
        ProgrammeTheoryVersion.objects.select_for_update()
        .filter(organisation=organisation)
        .order_by("-number")[:1]
    )
    current = versions[0] if versions else None
    if current and current.statements == statements and current.reason == reason.strip():
        return current
    version = ProgrammeTheoryVersion(
        organisation=organisation,
        number=(current.number + 1) if current else 1,
        statements=statements,
        reason=reason.strip(),
        changed_by=changed_by,
    )
    version.full_clean()
    version.save()
    return version
