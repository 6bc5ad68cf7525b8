"""Every model of Codesign's own apps says what it holds of a person (its app's
``personal_data.py``), so a new model cannot be left out of the download, the deletion of an
account or the retention purge by being forgotten."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models

from codesign import personal_data
from codesign.personal_data import Registry, site
from participants.models import Membership


def own_models() -> list[type[models.Model]]:
    """The concrete models of the apps in this repository (not Django's, not allauth's)."""
    root = Path(settings.BASE_DIR).resolve()
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(root) and not {".venv", "site-packages"} & set(path.parts):
            found += [m for m in config.get_models() if not m._meta.abstract and not m._meta.proxy]
    return found


def user_fields(model) -> list[str]:
    """The model's own fields that point to a person's account."""
    User = get_user_model()
    return [
        field.name
        for field in model._meta.get_fields()
        if field.concrete and field.is_relation and field.related_model is User
    ]


def test_the_walk_finds_the_projects_models_and_only_those():
    labels = {model._meta.label for model in own_models()}
    assert {"accounts.User", "participants.Membership", "workshops.Reply"} <= labels
    assert not {label for label in labels if label.split(".")[0] in {"account", "mfa", "auth"}}


@pytest.mark.parametrize("model", own_models(), ids=lambda m: m._meta.label)
def test_every_model_declares_what_it_holds_of_a_person(model):
    assert site.is_declared(model), (
        f"{model._meta.label} declares nothing: add it to {model._meta.app_config.name}/"
        "personal_data.py with personal_data.register(...) or personal_data.holds_none(...)"
    )


@pytest.mark.parametrize(
    "model", [m for m in own_models() if user_fields(m)], ids=lambda m: m._meta.label
)
def test_a_model_pointing_to_accounts_declares_personal_data_for_each_pointer(model):
    declaration = site.declaration(model)
    assert declaration is not None, f"{model._meta.label} points to accounts: it holds some"
    person = declaration.person if isinstance(declaration.person, str) else ""
    named = {person} | set(declaration.also_names)
    missing = set(user_fields(model)) - named
    assert not missing, f"{model._meta.label}: say whose row it is or add {missing} to also_names"


def test_the_checks_catch_a_model_that_forgets():
    """The tests above would pass on a registry that says yes to everything."""
    from notifications.models import Notification
    from projects.models import Stage

    registry = Registry()
    assert not registry.is_declared(Notification)
    registry.holds_none(Notification)
    assert registry.is_declared(Notification) and registry.declaration(Notification) is None
    assert user_fields(Notification) == ["user"]
    assert user_fields(Stage) == []


@pytest.mark.parametrize("declaration", site.declarations(), ids=lambda d: d.model._meta.label)
def test_each_lookup_reaches_the_persons_account(declaration):
    User = get_user_model()
    if isinstance(declaration.person, str) and declaration.person != "pk":
        model = declaration.model
        for name in declaration.person.split("__"):
            model = model._meta.get_field(name).related_model
        assert model is User, declaration.person
    for name in declaration.also_names:
        assert declaration.model._meta.get_field(name).related_model is User, name


def test_kept_rows_say_why_and_retention_kinds_are_named_once():
    for declaration in site.declarations():
        if declaration.erase.how == "keep":
            assert declaration.erase.why, declaration.model._meta.label
    kinds = [rule.kind for rule in site.retention_rules()]
    assert len(kinds) == len(set(kinds))
    assert {"access_needs", "experiences", "emails", "payments", "reports"} <= set(kinds)


def test_a_model_is_declared_once():
    from projects.models import Stage

    registry = Registry()
    registry.holds_none(Stage)
    with pytest.raises(Exception, match="declared twice"):
        registry.register(Stage, person="pk", erase=personal_data.delete())


@pytest.mark.django_db
def test_each_declaration_finds_only_the_persons_rows(world, story):
    """Whatever the lookup, it is read as a filter on the person (one query, no error)."""
    person = world.users["service_user"]
    for declaration in site.declarations():
        rows = declaration.rows(person)
        assert rows.model is declaration.model
        list(rows[:5])
    members = site.declaration(Membership).rows(person)
    assert set(members.values_list("user", flat=True)) == {person.pk}


@pytest.mark.django_db
def test_the_downloads_readme_names_every_file_and_part(world, story):
    import io
    import json
    import zipfile

    from privacy.services import personal_data_zip

    person = world.users["service_user"]
    content = personal_data_zip(person=person, requested_by=person)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        readme = archive.read("README.txt").decode()
        names = set(archive.namelist()) - {"README.txt", "data.json"}
        account = json.loads(archive.read("account.json"))
    for name in names:
        assert f"\n{name}: " in readme, name
    for part, value in account.items():
        if isinstance(value, list):
            assert f"\n  {part}: " in readme, part
