# Code Factory: the GitHub App (`factory serve`: webhooks plus an in-process worker).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# git: GitPython (local runs) needs the git executable.
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The dependencies first, from the pinned constraints alone: this layer is rebuilt only when
# constraints.txt changes, not on every change to the source below.
COPY constraints.txt ./
RUN pip install -r constraints.txt
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY pipeline ./pipeline
COPY templates ./templates
COPY factory ./factory
RUN pip install --no-deps -c constraints.txt .

RUN useradd --create-home --uid 10001 factory \
    && mkdir -p /data \
    && chown factory:factory /data
USER factory
WORKDIR /data
# The SQLite store lives here unless FACTORY_DATABASE_URL points at PostgreSQL.
ENV FACTORY_DATA_DIR=/data
VOLUME ["/data"]

# One port setting for the server and its health check (override with -e PORT=...).
ENV PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; url = f\"http://127.0.0.1:{os.environ.get('PORT', '8080')}/healthz\"; sys.exit(0 if urllib.request.urlopen(url, timeout=4).status == 200 else 1)"]

CMD ["sh", "-c", "exec factory serve --host 0.0.0.0 --port \"$PORT\""]
