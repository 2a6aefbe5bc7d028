# Production image: gunicorn serves the app and WhiteNoise the static files (collected at build time).
# The same image runs the Celery worker and beat; see docker-compose.yml.

# --- Lightning Design System assets from the npm registry (no JS build chain) ---
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# --- the application ---
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    PATH=/app/.venv/bin:$PATH

# WeasyPrint's native libraries (Pango, HarfBuzz) and a font to render the PDFs with.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir uv

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lock changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-cache

COPY --from=assets /app/node_modules ./node_modules

# The code, copied directory by directory so that a developer's .venv, node_modules or var/
# never ends up in the image.
COPY manage.py ./
COPY hwaas_portal/ ./hwaas_portal/
COPY core/ ./core/
COPY accounts/ ./accounts/
COPY devices/ ./devices/
COPY billing/ ./billing/
COPY projects/ ./projects/
COPY quotes/ ./quotes/
COPY orders/ ./orders/
COPY templates/ ./templates/
COPY static/ ./static/

# collectstatic only reads the settings; it needs some SECRET_KEY and PORTAL_BASE_URL because DEBUG is off.
RUN SECRET_KEY=collectstatic-only PORTAL_BASE_URL=http://collectstatic.invalid python manage.py collectstatic --noinput \
 && useradd --system --uid 1000 --home-dir /app app \
 && mkdir -p var/private var/media var/mail \
 && chown -R app:app var

USER app
EXPOSE 8000
CMD ["gunicorn", "hwaas_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
