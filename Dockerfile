FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN useradd --create-home --uid 1000 turazo
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# collectstatic needs settings that import cleanly; these values exist only for the build.
RUN DEBUG=false SECRET_KEY=build-only-build-only-build-only-build-only-build-only \
    EMAIL_URL=consolemail:// DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://localhost:6379/0 \
    SITE_URL=http://build.invalid \
    python manage.py collectstatic --noinput
# Runtime state (beat schedule, embedded-default files) lives in var/, writable by the app user.
RUN mkdir -p var && chown turazo:turazo var
USER turazo
EXPOSE 8000
# gunicorn as bin/web starts it (settings in turazo/gunicorn_conf.py); CI starts the same script.
CMD ["bin/web"]
