"""Checks over every template of the project's own apps."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"{%\s*blocktrans(?:late)?\b.*?%}(.*?){%\s*endblocktrans(?:late)?\s*%}", re.S)
VARIABLE = re.compile(r"{{\s*([^}\s]+)\s*}}")


def templates():
    for path in ROOT.glob("**/templates/**/*"):
        if ".venv" not in path.parts and path.suffix in {".html", ".txt"}:
            yield path


def test_translated_blocks_name_only_plain_variables():
    # Inside blocktranslate, {{ organisation.name }} renders nothing: the value must be bound
    # with "with" and named plainly ("For . The project starts…" was this mistake).
    wrong = [
        f"{path.relative_to(ROOT)}: {{{{ {name} }}}}"
        for path in templates()
        for block in BLOCK.findall(path.read_text(encoding="utf-8"))
        for name in VARIABLE.findall(block)
        if "." in name or "|" in name
    ]
    assert not wrong, "\n".join(wrong)


def test_the_check_finds_a_dotted_variable():
    block = "{% blocktranslate with org=o.name %}For {{ o.name }}.{% endblocktranslate %}"
    assert VARIABLE.findall(BLOCK.findall(block)[0]) == ["o.name"]
