# Production image: web (gunicorn + whitenoise), worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# The classifier's compiled scoring loop; the compiler is removed once it is built.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && python scripts/build_scorer.py && python -c "import complaints.classifier._scorer" \
    && apt-get purge -y --auto-remove gcc libc6-dev && rm -rf /var/lib/apt/lists/*
# collectstatic needs settings but no real secrets or database.
RUN SECRET_KEY=build-only CREDENTIALS_KEY=YnVpbGQtb25seS1rZXktMDEyMzQ1Njc4OWFiY2RlZmc= \
    ECOUTE_VAR_DIR=/tmp/build python manage.py collectstatic --noinput \
    && useradd --system --home /app --uid 1000 ecoute \
    && mkdir -p /app/var && chown -R ecoute /app/var
USER ecoute

EXPOSE 8000
# Threaded workers, so that long exports are not cut by the worker timeout (see the file).
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
