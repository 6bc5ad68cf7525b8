"""The deployment shape: docker-compose.yml, production settings and the security headers sent.

No Docker engine runs here, so the compose file is checked as data, and the production
settings are checked by running manage.py with them in a subprocess.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
SHARED_ENV_KEYS = {
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "EMAIL_URL",
    "CSRF_TRUSTED_ORIGINS",
}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _command(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def test_compose_has_every_service_with_a_healthcheck(compose):
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    for name in ("web", "worker", "beat", "db", "redis"):
        healthcheck = services[name].get("healthcheck")
        assert healthcheck, f"{name} has no healthcheck"
        assert healthcheck.get("test"), f"{name}'s healthcheck runs nothing"
        assert not healthcheck.get("disable"), f"{name}'s healthcheck is disabled"
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    assert "pg_isready" in _command({"command": services["db"]["healthcheck"]["test"]})
    assert "redis-cli ping" in _command({"command": services["redis"]["healthcheck"]["test"]})
    assert "/healthz" in _command({"command": services["web"]["healthcheck"]["test"]})
    assert "inspect ping" in _command({"command": services["worker"]["healthcheck"]["test"]})


def test_compose_commands(compose):
    services = compose["services"]
    web = _command(services["web"])
    assert "gunicorn codesign.wsgi" in web
    for step in ("migrate", "collectstatic", "createcachetable"):
        assert step in web
        assert web.index(step) < web.index("gunicorn"), f"{step} must run before gunicorn"
    assert "seed_demo" not in web
    for name, role in (("worker", "worker"), ("beat", "beat")):
        command = _command(services[name])
        assert command.startswith("celery -A codesign "), command
        assert role in command.split()
    assert "--beat" not in _command(services["worker"]).split(), "beat must run once, alone"
    assert " -B" not in _command(services["worker"])


def test_web_and_worker_share_the_media_volume(compose):
    """The worker writes reports (and the retention purge deletes files) that web serves."""
    services = compose["services"]
    for name in ("web", "worker"):
        assert "media:/app/var/media" in services[name].get("volumes", []), name
    assert "media" in compose["volumes"]
    assert "mkdir -p /app/var/media" in (ROOT / "Dockerfile").read_text()


def test_compose_runs_exactly_one_beat(compose):
    services = compose["services"]
    beats = [name for name, service in services.items() if "beat" in _command(service).split()]
    assert beats == ["beat"]
    beat = services["beat"]
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    assert beat.get("scale", 1) == 1


def test_compose_app_services_share_one_environment(compose):
    services = compose["services"]
    assert "x-codesign-env" in compose
    environments = [services[name]["environment"] for name in APP_SERVICES]
    assert all(env == compose["x-codesign-env"] for env in environments)
    shared = environments[0]
    assert set(shared) >= SHARED_ENV_KEYS
    assert shared["DJANGO_SETTINGS_MODULE"] == "codesign.settings.production"
    assert shared["DATABASE_URL"].startswith("postgres://")
    assert shared["DATABASE_URL"].split("@", 1)[1].startswith("db:")
    assert shared["REDIS_URL"].startswith("redis://redis:")
    # Secrets come from the deployer's environment, never from the file.
    assert shared["SECRET_KEY"].startswith("${SECRET_KEY")


def test_dockerfile_shape():
    dockerfile = (ROOT / "Dockerfile").read_text()
    lines = [line.strip() for line in dockerfile.splitlines()]
    assert "FROM python:3.11-slim" in lines
    # Dependencies are declared in pyproject.toml and installed from its runtime lock, by hash.
    assert "RUN pip install --require-hashes -r requirements/lock.txt" in lines
    assert any(line.startswith("RUN pip install --no-deps .") for line in lines)
    assert "dev-lock" not in dockerfile
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")


def _production_env(**overrides) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "CACHE_URL",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="codesign.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="codesign.example.org",
        CSRF_TRUSTED_ORIGINS="https://codesign.example.org",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def _manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_has_no_warnings(tmp_path):
    env = _production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}")
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


@pytest.mark.parametrize(
    ("missing", "message"),
    [("SECRET_KEY", "SECRET_KEY"), ("ALLOWED_HOSTS", "ALLOWED_HOSTS")],
)
def test_production_refuses_to_start_without(missing, message, tmp_path):
    env = _production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}")
    del env[missing]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("SECRET_KEY", ""),
        ("SECRET_KEY", "dev-only-insecure-key-change-me"),
        ("SECRET_KEY", "short-but-random-Q7x9"),
        ("SECRET_KEY", "ab" * 40),
        ("ALLOWED_HOSTS", ""),
    ],
)
def test_production_refuses_to_start_with_an_unusable(key, value, tmp_path):
    env = _production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}")
    env[key] = value
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def _directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            directives[tokens[0].lower()] = tokens[1:]
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/healthz", "/accounts/login/"])
def test_content_security_policy_is_sent_and_enforced(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Content-Security-Policy-Report-Only" not in response.headers
    header = response.headers.get("Content-Security-Policy")
    assert header, "no enforced Content-Security-Policy header was sent"
    directives = _directives(header)
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src is not None
    assert "'self'" in script_src
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "'unsafe-inline'" not in directives.get("default-src", [])
    assert directives.get("object-src") == ["'none'"]
    assert directives.get("frame-ancestors") == ["'none'"]


GENERIC = "-c plan_cache_mode=force_generic_plan"


@pytest.mark.parametrize(("jit", "options"), [(None, f"{GENERIC} -c jit=off"), ("true", GENERIC)])
def test_postgresql_connections_start_without_jit_unless_asked(jit, options):
    """JIT compiling cost the dashboards' counts more than running them: each connection turns
    it off, unless DATABASE_JIT leaves the server's setting (a pooler may refuse options). The
    queries it prepares are planned once for any values."""
    env = _production_env(
        DATABASE_URL="postgres://codesign@127.0.0.1:5432/nowhere", DATABASE_JIT=jit
    )
    script = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default'].get('OPTIONS', {}).get('options'))"
    )
    result = _manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(options)


@pytest.mark.django_db
def test_the_suites_postgresql_connection_has_jit_off():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize(
    "code",
    [
        "import codesign.wsgi",  # what gunicorn loads
        "from bench.run import setup_django; setup_django()",  # the bench measures its pages
    ],
)
def test_web_processes_collect_their_youngest_garbage_every_5000_objects(code):
    """Web processes look through their youngest objects every 5,000 made (codesign/garbage.py),
    not Python's 700; the older generations keep Python's settings."""
    import gc

    out = subprocess.run(
        [sys.executable, "-c", f"{code}; import gc; print(gc.get_threshold())"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "codesign.settings.test"},
        check=True,
    )
    _young, older, oldest = gc.get_threshold()
    assert out.stdout.strip() == str((5000, older, oldest))
