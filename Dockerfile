# The portal's image: used by docker-compose.yml for web (gunicorn), worker, beat and migrate.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

RUN groupadd --system app \
    && useradd --system --gid app --create-home --home-dir /home/app app

# Dependencies first, so a code change does not reinstall them. pyproject.toml declares no packages:
# `pip install .` installs the dependencies and the code runs from /app.
COPY pyproject.toml ./
RUN pip install .

COPY . .
# The project's bytecode, compiled once here: PYTHONDONTWRITEBYTECODE keeps Python from writing it at run
# time, so without this every start (gunicorn's master, each Celery process) compiles the source again.
RUN python -m compileall -q -j 0 /app

# Static files with hashed names, compressed, served by WhiteNoise. Settings need a SECRET_KEY to load;
# this one exists only during the build. The .mo translation files are committed, so no gettext here.
RUN SECRET_KEY=build-only-not-a-secret STATIC_MANIFEST=1 python manage.py collectstatic --noinput \
    && mkdir -p /app/media /app/var \
    && chown -R app:app /app/media /app/var /app/staticfiles

USER app

EXPOSE 8000
VOLUME ["/app/media"]

CMD ["gunicorn", "-c", "gunicorn.conf.py", "huisvanhetkind.wsgi"]
