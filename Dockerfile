# Multi-stage build: compile with the Rust toolchain, run on a slim Debian as a non-root user.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY .cargo .cargo
COPY src src
COPY migrations migrations
# The web portal's files, embedded into the binary by build.rs (no Node.js needed to build)
COPY web/public web/public
RUN cargo build --release --locked && strip target/release/tollgate

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/tollgate --create-home tollgate
COPY --from=build /src/target/release/tollgate /usr/local/bin/tollgate
USER tollgate
WORKDIR /var/lib/tollgate
ENV TOLLGATE_LISTEN=0.0.0.0:8080 \
    TOLLGATE_GATEWAY_LISTEN=0.0.0.0:8280 \
    TOLLGATE_LOG_FORMAT=json
EXPOSE 8080 8280
VOLUME ["/var/lib/tollgate"]
ENTRYPOINT ["/usr/local/bin/tollgate"]
CMD ["serve"]
