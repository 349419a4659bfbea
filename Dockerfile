# Field Relay in a small container: non-root, the database on a volume.
#   docker build -t fieldrelay .
#   docker run --env-file .env -v fieldrelay-data:/data fieldrelay
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY sandbox ./sandbox
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
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
