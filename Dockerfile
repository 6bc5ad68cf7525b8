# Codesign web, worker and beat image (one image, three commands; see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=codesign.settings.production

WORKDIR /app

# Exactly the versions in the runtime lock, checked against their hashes (`make lock` writes
# it from pyproject.toml); this layer is rebuilt only when the lock changes.
COPY requirements/lock.txt requirements/lock.txt
RUN pip install --require-hashes -r requirements/lock.txt

# Codesign itself (its name and version), without dependencies: the lock brought them.
COPY pyproject.toml ./
RUN pip install --no-deps . && rm -rf build ./*.egg-info

COPY . .

# The translations compiled from their catalogues (the committed .mo files, made anew).
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && DJANGO_SETTINGS_MODULE=codesign.settings.base \
        python manage.py compilemessages --ignore=var --ignore=static/vendor -v 0 \
    && apt-get purge -y gettext && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*

# The release this image is (logs, error reports, cache keys): docker-compose.yml passes the
# commit, e.g. `CODESIGN_RELEASE=$(git rev-parse --short HEAD) docker compose build`. Set
# last, so a new release reuses the dependency layers above.
ARG CODESIGN_RELEASE=""
ENV CODESIGN_RELEASE=${CODESIGN_RELEASE}

# Run as an unprivileged user; only var/ (static files, Celery's beat schedule, and var/media:
# uploads and built reports, a volume shared by web and worker) is writable.
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home codesign \
    && mkdir -p /app/var/media \
    && chown -R codesign:codesign /app/var

USER codesign

EXPOSE 8000

CMD ["gunicorn", "codesign.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--forwarded-allow-ips", "*", "--access-logfile", "-"]
