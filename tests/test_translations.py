"""The Welsh catalogue is whole: every marked string translated (none fuzzy), none missing from
it, and its compiled .mo the same as its .po. `make messages` brings it up to date."""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
# What `make messages` leaves out (Makefile: MESSAGES_IGNORE).
IGNORED = {".venv", "var", "tests", "bench", "node_modules", "locale", ".git"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
MAKE_MESSAGES = "run `make messages`, translate the new strings and commit the .po and .mo"


def entry_key(entry) -> tuple:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def texts(entry) -> tuple[str, ...]:
    return tuple(entry.msgstr_plural.values()) if entry.msgid_plural else (entry.msgstr,)


def test_there_is_a_welsh_catalogue():
    assert LOCALE / "cy" / "LC_MESSAGES" / "django.po" in CATALOGUES
    assert "cy" in dict(settings.LANGUAGES)


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_every_message_is_translated(po_path):
    catalogue = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} not translated ({MAKE_MESSAGES}): {untranslated}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy: check each, then remove the fuzzy mark: {fuzzy}"
    assert not catalogue.obsolete_entries(), MAKE_MESSAGES
    assert not catalogue.metadata_is_fuzzy


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_translations_keep_every_placeholder(po_path):
    """A translation that drops or renames %(name)s would fail, or show the wrong thing."""
    wrong = []
    for entry in polib.pofile(str(po_path)).translated_entries():
        wanted = [set(PLACEHOLDER.findall(entry.msgid))]
        if entry.msgid_plural:
            wanted.append(set(PLACEHOLDER.findall(entry.msgid_plural)))
        for form, text in enumerate(texts(entry)):
            found = set(PLACEHOLDER.findall(text))
            # A plural's form for one may leave the number out, as English "one" can.
            one_without_number = form == 0 and entry.msgid_plural and found < wanted[-1]
            if found not in wanted and not one_without_number:
                wrong.append((entry.msgid, text))
    assert not wrong, wrong


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_the_compiled_catalogue_is_the_same_as_its_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: {MAKE_MESSAGES}"
    source = {entry_key(e): texts(e) for e in polib.pofile(str(po_path)).translated_entries()}
    compiled = {entry_key(e): texts(e) for e in polib.mofile(str(mo_path)) if e.msgid}
    stale = sorted(set(source.items()) ^ set(compiled.items()), key=str)
    assert source == compiled, f"{mo_path.name} lags its .po ({MAKE_MESSAGES}): {stale[:5]}"


@pytest.mark.serial  # makemessages writes each template's Python twin beside it while it runs
@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs gettext (apt-get install gettext)")
def test_the_catalogue_holds_every_marked_string(tmp_path, settings, monkeypatch):
    """makemessages, run on a copy, would neither add nor drop a message."""
    for entry in ROOT.iterdir():
        if entry.name not in IGNORED and not entry.name.startswith("."):
            (tmp_path / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    for po_path in CATALOGUES:
        copy = tmp_path / po_path.relative_to(ROOT)
        copy.parent.mkdir(parents=True)
        shutil.copy(po_path, copy)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command(
        "makemessages",
        locale=[path.parts[-3] for path in CATALOGUES],
        no_obsolete=True,
        no_location=True,
        symlinks=True,
        ignore_patterns=["static/vendor/*", "node_modules/*"],
        verbosity=0,
    )
    for po_path in CATALOGUES:
        ours = {entry_key(e) for e in polib.pofile(str(po_path)) if not e.obsolete}
        fresh = polib.pofile(str(tmp_path / po_path.relative_to(ROOT)))
        made = {entry_key(e) for e in fresh if not e.obsolete}
        missing, gone = sorted(made - ours), sorted(ours - made)
        assert not missing, f"not in {po_path} ({MAKE_MESSAGES}): {missing}"
        assert not gone, f"no longer marked anywhere ({MAKE_MESSAGES}): {gone}"


GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext"}
NOT_SOURCE = {".venv", "tests", "migrations", "node_modules", "var", "bench", "staticfiles"}


def _python_sources():
    """Every Python module of ours; not the `page.html.py` twin makemessages writes for a moment
    beside a template it reads."""
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if not NOT_SOURCE & set(parts) and not Path(path.stem).suffix:
            yield path


def _calls_inside_f_strings(path: Path) -> list[int]:
    import ast

    lines = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id in GETTEXT_NAMES
                ):
                    lines.append(inner.lineno)
    return lines


def test_no_word_is_marked_inside_an_f_string():
    """makemessages reads no call inside an f-string: a word marked there never reaches the
    catalogue, and Welsh readers see it in English."""
    found = {
        str(path.relative_to(ROOT)): lines
        for path in _python_sources()
        if (lines := _calls_inside_f_strings(path))
    }
    assert not found
