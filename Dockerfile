# civic-digest: multi-stage build, slim runtime, non-root, data on a volume.
FROM rust:1.95 AS builder
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY crates ./crates
COPY src ./src
COPY data ./data
# The Russian morphology dictionary is read at run time from where cargo
# unpacked it: the runtime image keeps it at that path.
RUN cargo build --release --locked \
    && cp -r --parents "$(ls -d "$CARGO_HOME"/registry/src/*/rsmorphy-dict-ru-*/data)" /morph

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /app civic
WORKDIR /app
COPY --from=builder /src/target/release/civic-digest /usr/local/bin/civic-digest
COPY data ./data
COPY --from=builder /morph/ /
RUN mkdir -p /var/lib/civic-digest && chown civic /var/lib/civic-digest
VOLUME /var/lib/civic-digest
ENV DATABASE_PATH=/var/lib/civic-digest/civic-digest.db \
    DATA_DIR=/app/data \
    METRICS_ADDR=0.0.0.0:9464 \
    RUST_LOG=info
USER civic
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD curl -fsS http://127.0.0.1:9464/healthz || exit 1
ENTRYPOINT ["civic-digest"]
CMD ["run"]
