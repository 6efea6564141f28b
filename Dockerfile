# Production image: the same code for web (gunicorn), worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The runtime lock (pinned, with hashes): the image gets the versions CI tested.
COPY requirements.lock ./
# /data/private (PRIVATE_FILES_ROOT in docker-compose.yml: cached PDFs, attachments) and /data/beat (beat's
# last runs) belong to the portal user: a new named volume mounted there takes the directory's owner, else the
# processes could not write to it.
RUN pip install --require-hashes --no-deps -r requirements.lock && useradd --create-home portal \
    && mkdir -p /data/private /data/beat && chown portal:portal /data/private /data/beat
COPY . .

# Production unless told otherwise (portal/settings.py): the image never runs the developer mode.
ENV DJANGO_DEBUG=0

# Build-time steps need settings but no real services.
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build SITE_URL=https://build.invalid \
    DEFAULT_FROM_EMAIL=build@build.invalid BILLING_SUPPORT_EMAIL=build@build.invalid \
    DATABASE_URL=postgres://build/build \
    REDIS_URL=redis://build:6379/0 EMAIL_URL=consolemail:// STRIPE_API_BASE=https://api.stripe.com \
    STRIPE_SECRET_KEY=x STRIPE_PUBLISHABLE_KEY=x STRIPE_WEBHOOK_SECRET=x PAYPAL_API_BASE=https://api-m.paypal.com \
    PAYPAL_CLIENT_ID=x PAYPAL_CLIENT_SECRET=x PAYPAL_WEBHOOK_ID=x \
    sh -c "python manage.py collectstatic --no-input -v 0 && python manage.py compilemessages --ignore=/usr -v 0"

# The project's bytecode, compiled once here: with PYTHONDONTWRITEBYTECODE (and /app read-only for the portal
# user) every web, worker and beat process would otherwise compile the whole project again as it starts (~1 s).
RUN python -m compileall -q -j 0 /app

USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
