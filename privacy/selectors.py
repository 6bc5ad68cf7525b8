"""One person's own data, gathered for them to download from what each app declares
(``codesign.personal_data``): one query a section."""

from codesign.personal_data import site


def personal_data(user) -> dict[str, list | dict]:
    """Everything Codesign holds about the person, section by section.

    Only the person's own rows are read, and of related rows only what names the context
    (a project's or session's title, a contribution's number), never another person.
    """
    data: dict[str, list | dict] = {}
    for declaration in site.sections():
        parent, _dot, name = declaration.download.name.rpartition(".")
        within = data.setdefault(parent, {}) if parent else data
        value = declaration.section(user)
        if isinstance(value, dict) and isinstance(within.get(name), dict):
            # Parts placed inside it by apps declared before it.
            value = {**value, **within[name]}
        within[name] = value
    return data


def sections_about() -> list[tuple[str, str]]:
    """Each section's name and what it holds, in the order of the download."""
    return [(d.download.name, d.download.about) for d in site.sections()]
