# The production image. docker-compose.yml runs it three times, as the web
# application, the Celery worker and Celery beat; only the command differs.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_NO_CACHE=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=mentoring.settings.production

WORKDIR /app

# Dependencies before the code, so that a change to the code alone reuses this layer.
# Every dependency ships a manylinux wheel (psycopg2-binary, xmlsec, lxml, numpy,
# scipy), so the slim image needs no compiler.
# The exact versions of requirements/production.txt, made from pyproject.toml.
COPY requirements/production.txt requirements/production.txt
RUN pip install "uv>=0.5" && uv pip install --system -r requirements/production.txt

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

# The code belongs to root and is read-only for the user the processes run as.
COPY . .

# Collected at build time too, so that every container of the image (the worker
# renders e-mails) has the static files and their manifest, not only the web
# container that collects them again on start. The values below only get past the
# production settings' start-up check: collectstatic reaches neither the database nor
# the broker, and none of them is kept in the image.
RUN DJANGO_SECRET_KEY=collectstatic-at-build-time-only \
    DATABASE_URL=sqlite:////tmp/unused.sqlite3 \
    REDIS_URL=redis://localhost:6379/0 \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && chown -R app:app /app/staticfiles \
    && mkdir -p /app/var/exports && chown -R app:app /app/var

USER app

EXPOSE 8000

# No HEALTHCHECK here: it would apply to the worker and beat containers too, which
# serve no HTTP. docker-compose.yml probes /health/ on the web service only.
CMD ["gunicorn", "mentoring.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
