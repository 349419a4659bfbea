# Field Relay in a small container: non-root, the database on a volume.
#   docker build -t fieldrelay .
#   docker run --env-file .env -v fieldrelay-data:/data fieldrelay
FROM python:3.11-slim AS build
# PyGObject and pycairo (for mat2, which cleans documents, audio and video) build against these.
RUN apt-get update && apt-get install -y --no-install-recommends \
        gcc pkg-config libcairo2-dev libgirepository1.0-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY sandbox ./sandbox
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
# What cleaning needs at run time: Poppler and GdkPixbuf for mat2, ffmpeg for video.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libcairo2 libgirepository-1.0-1 gir1.2-poppler-0.18 gir1.2-gdkpixbuf-2.0 \
        gir1.2-rsvg-2.0 ffmpeg \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin fieldrelay \
    && mkdir -p /data && chown fieldrelay /data
COPY --from=build /install /usr/local
USER fieldrelay
WORKDIR /data
ENV DATABASE_PATH=/data/fieldrelay.db \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
# Litestream (installed with Field Relay) is started by `fieldrelay run` when REPLICA_URL
# is set. On a fresh volume, `docker run ... fieldrelay restore` brings the database back.
ENTRYPOINT ["fieldrelay"]
CMD ["run"]
