# syntax=docker/dockerfile:1
#
# Container image for the OPOP API.
#
#   docker build -t opop-api .
#   docker run --rm -p 8080:8080 opop-api                 # serve (SQLite in /var/lib/opop/data)
#   docker run --rm opop-api openapi > openapi.json       # other subcommands: migrate, seed-demo
#
# Needs BuildKit (the default builder since Docker 23, and always used by
# `docker compose build`) for the cache mounts below.

############################ builder ############################
FROM rust:1.95-bookworm AS builder
WORKDIR /app

# The whole workspace (api, entity, migration, tests) is copied at once: cargo
# needs every member's manifest *and* its sources to resolve the workspace, so
# copying only the manifests first would need stub sources and is brittle.
# Dependency caching comes from the cache mounts instead: the crates.io registry
# and the target directory survive between builds, so a source change only
# recompiles the workspace crates. .dockerignore keeps target/, data/ and .git/
# out of the context.
COPY . .

# The target directory is a cache mount, so it is not part of the image layer:
# the binary is copied out of it within the same RUN.
RUN --mount=type=cache,id=opop-cargo-registry,target=/usr/local/cargo/registry \
    --mount=type=cache,id=opop-cargo-git,target=/usr/local/cargo/git \
    --mount=type=cache,id=opop-api-target,target=/app/target \
    cargo build --release --locked -p opop-api \
 && install -D -m 0755 target/release/opop-api /out/opop-api

############################ runtime ############################
FROM debian:bookworm-slim AS runtime

LABEL org.opencontainers.image.title="opop-api" \
      org.opencontainers.image.description="API of the OPOP (One Pesantren One Product) programme" \
      org.opencontainers.image.licenses="MIT"

# ca-certificates for outgoing TLS; curl only for the health check.
# The binary links nothing beyond glibc/libgcc (SQLite is bundled, TLS is rustls).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*

# Unprivileged user. /var/lib/opop is the working directory, so the default
# DATABASE_URL (sqlite://data/opop.db) lands in /var/lib/opop/data; mount a
# volume there to keep a SQLite database. A named volume mounted on the empty
# data/ directory inherits its opop ownership.
RUN groupadd --system --gid 10001 opop \
 && useradd --system --uid 10001 --gid opop --home-dir /var/lib/opop \
        --no-create-home --shell /usr/sbin/nologin opop \
 && install -d -o opop -g opop -m 0750 /var/lib/opop /var/lib/opop/data /var/lib/opop/data/media

COPY --from=builder /out/opop-api /usr/local/bin/opop-api

# Numeric so that orchestrators can check runAsNonRoot.
USER 10001:10001
WORKDIR /var/lib/opop

# The application's own default (127.0.0.1) is unreachable from outside a container.
ENV OPOP_BIND=0.0.0.0:8080
EXPOSE 8080

# Liveness only (no database round trip). Assumes the port in OPOP_BIND is 8080.
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/health/live || exit 1

# `serve` migrates the database and creates the first admin before listening.
ENTRYPOINT ["opop-api"]
CMD ["serve"]
