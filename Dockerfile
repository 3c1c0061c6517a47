# Mujaz in a container: `docker compose up -d` (compose.yaml), or
#   docker build -t mujaz . && docker run -d --env-file .env -v mujaz-data:/data mujaz
# The database is /data/mujaz.db on the volume; the process runs as an unprivileged user.
# A build stage compiles the hot path (setup.py, Cython from the lock) with gcc, which the
# image itself then does without: only the compiled modules are copied over.
FROM python:3.11-slim-bookworm AS build

# Debian's compiler for this release; the modules' code comes from the locked Cython and the
# source, so the exact gcc build does not change what runs.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY requirements/run.txt requirements/run.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/run.txt
COPY setup.py pyproject.toml README.md ./
COPY bot bot
RUN python setup.py --quiet build_ext --inplace \
    && python -c "import sys; from bot.core.hot_path import uncompiled; sys.exit(', '.join(uncompiled()) or None)"

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/data/mujaz.db \
    MPLCONFIGDIR=/tmp/matplotlib \
    PYTHONPATH=/app

WORKDIR /app

# Dependencies first (exact versions, every hash checked), so code changes reuse this layer.
COPY requirements/run.txt requirements/run.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/run.txt

COPY pyproject.toml README.md CHANGELOG.md ./
COPY bot bot
COPY handlers handlers
COPY storage storage
COPY templates templates
COPY --from=build /src/bot/core/*.so bot/core/

# `mujaz` on the PATH, run from the source in /app (templates/ is read from beside bot/).
RUN printf '#!/bin/sh\nexec python -m bot.cli "$@"\n' > /usr/local/bin/mujaz \
    && chmod 0755 /usr/local/bin/mujaz \
    && python -m compileall -q bot handlers storage \
    && python -c "import sys; from bot.core.hot_path import uncompiled; sys.exit(', '.join(uncompiled()) or None)" \
    && groupadd --system --gid 10001 mujaz \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin mujaz \
    && mkdir -p /data \
    && chown mujaz:mujaz /data \
    && chmod 0700 /data

USER 10001:10001
VOLUME ["/data"]

# The bot drains what is in flight on SIGTERM (within 10 s): give `docker stop` -t 20.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["mujaz", "health"]

ENTRYPOINT ["mujaz"]
CMD ["run"]
