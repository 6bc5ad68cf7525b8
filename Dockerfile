# Codesign web, worker and beat image (one image, three commands; see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=codesign.settings.production

WORKDIR /app

# Dependencies come from pyproject.toml only; this layer is rebuilt when it changes.
COPY pyproject.toml ./
RUN pip install . && rm -rf build ./*.egg-info

COPY . .

# Run as an unprivileged user; only var/ (static files, Celery's beat schedule, and var/media:
# uploads and built reports, a volume shared by web and worker) is writable.
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home codesign \
    && mkdir -p /app/var/media \
    && chown -R codesign:codesign /app/var

USER codesign

EXPOSE 8000

CMD ["gunicorn", "codesign.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--forwarded-allow-ips", "*", "--access-logfile", "-"]
