"""How the project is built and checked: test lanes, lock files, the release key."""

import re
import shutil
import subprocess
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .conftest import LANES, TESTS

ROOT = TESTS.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
MAKEFILE = (ROOT / "Makefile").read_text()


def _declared_markers():
    return {line.split(":")[0] for line in PYPROJECT["tool"]["pytest"]["ini_options"]["markers"]}


def test_the_fast_lane_leaves_out_every_slow_lane():
    slow = set(re.search(r"^SLOW_LANES := (.+)$", MAKEFILE, re.M).group(1).split(" or "))
    assert slow == {"browser", "smoke", "failures", "hostile", "races", "matrix"}
    assert slow | {"serial"} <= _declared_markers()
    assert set(LANES.values()) <= slow
    for folder in LANES:
        assert (TESTS / folder).is_dir(), folder
    matrix = (TESTS / "test_permission_matrix.py").read_text()
    assert "pytestmark = pytest.mark.matrix" in matrix
    assert '-m "not ($(SLOW_LANES) or serial)"' in MAKEFILE


def test_make_test_runs_the_serial_lane_and_everything_else_in_parallel():
    recipe = MAKEFILE.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "-p no:xdist -m serial" in recipe
    assert '-n $(PYTEST_WORKERS) -m "not serial"' in recipe
    for check in ("ruff check", "ruff format --check", "manage.py check", "makemigrations --check"):
        assert check in recipe


def _pins(path):
    """{name: version} of a lock file, failing for any requirement without a hash."""
    text = (ROOT / path).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    pins = {}
    for entry in entries:
        match = re.match(r"([A-Za-z0-9._-]+)==([^\s;\\]+)", entry)
        assert match, f"{path}: not pinned: {entry[:80]}"
        assert "--hash=sha256:" in entry, f"{path}: {match.group(1)} has no hash"
        pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


@pytest.mark.parametrize(
    ("path", "groups"),
    [("requirements/lock.txt", ["runtime"]), ("requirements/dev-lock.txt", ["runtime", "dev"])],
)
def test_each_lock_pins_what_pyproject_declares(path, groups):
    """A dependency added to pyproject.toml fails here until `make lock` is run."""
    pins = _pins(path)
    declared = {
        "runtime": PYPROJECT["project"]["dependencies"],
        "dev": PYPROJECT["project"]["optional-dependencies"]["dev"],
    }
    for group in groups:
        for line in declared[group]:
            requirement = Requirement(line)
            name = canonicalize_name(requirement.name)
            assert name in pins, f"{path} lacks {name}: run `make lock`"
            assert requirement.specifier.contains(pins[name], prereleases=True), (
                f"{path} pins {name}=={pins[name]}, outside {requirement.specifier}: `make lock`"
            )


def test_the_dev_lock_pins_the_runtime_lock_versions():
    runtime, dev = _pins("requirements/lock.txt"), _pins("requirements/dev-lock.txt")
    assert {name: dev.get(name) for name in runtime} == runtime


def test_installs_follow_the_lock():
    assert re.search(r"^\$\(STAMP\): \$\(LOCK\)", MAKEFILE, re.M)
    assert re.search(r"^\$\(DEV_STAMP\): \$\(DEV_LOCK\)", MAKEFILE, re.M)
    assert "pip install --quiet --require-hashes -r $(LOCK)" in MAKEFILE
    assert "pip install --quiet --require-hashes -r $(DEV_LOCK)" in MAKEFILE


def _make_release(**environment):
    make = shutil.which("make")
    if make is None:
        pytest.skip("Needs make")
    result = subprocess.run(
        [make, "-s", "--no-print-directory", "--eval", "release: ; @echo $(CODESIGN_RELEASE)"]
        + ["release"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin", **environment},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_make_names_the_release_after_the_commit():
    git = shutil.which("git")
    head = subprocess.run(
        [git or "git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    if git is None or head.returncode != 0:
        assert _make_release() == "dev"
        return
    dirty = subprocess.run(
        [git, "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert _make_release() == head.stdout.strip() + ("-dirty" if dirty else "")
    assert _make_release(CODESIGN_RELEASE="v2026.12") == "v2026.12"


def test_the_image_is_told_its_release():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ARG CODESIGN_RELEASE=""' in dockerfile
    assert "ENV CODESIGN_RELEASE=${CODESIGN_RELEASE}" in dockerfile
    assert "CODESIGN_RELEASE: ${CODESIGN_RELEASE:-dev}" in (ROOT / "docker-compose.yml").read_text()
