# Gateway container image.
#
#   docker build -t gateway .
#   docker run --rm -p 8080:8080 \
#     -e GATEWAY_DATABASE_URL=postgresql://user:pass@db:5432/gateway \
#     -e GATEWAY_MASTER_KEY=... -e GATEWAY_ADMIN_TOKEN=... gateway
#
# compose.yaml at the repository root runs it together with PostgreSQL.
# SQL migrations and the /docs assets are embedded in the assembly, so the
# image needs nothing but the published output.

ARG DOTNET_VERSION=10.0

# ---------------------------------------------------------------------------
# 1. Project skeleton: only the files NuGet restore reads. Copying the whole
#    tree here and pruning it keeps the restore layer below cached until a
#    project or props file actually changes, without listing every project.
# ---------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS skeleton
WORKDIR /src
COPY . .
RUN find . -type f \
      ! -name '*.csproj' ! -name '*.props' ! -name '*.targets' \
      ! -name 'global.json' ! -iname 'nuget.config' ! -name '*.sln' ! -name '*.slnx' \
      -delete \
 && find . -depth -type d -empty -delete

# ---------------------------------------------------------------------------
# 2. Build: restore (cached), then publish the host.
# ---------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
WORKDIR /src
COPY --from=skeleton /src/ ./
RUN dotnet restore src/Gateway.Host/Gateway.Host.csproj
COPY . .
RUN dotnet publish src/Gateway.Host/Gateway.Host.csproj \
      --configuration Release \
      --no-restore \
      --output /app \
      -p:UseAppHost=false \
 && test -f /app/gateway.dll

# ---------------------------------------------------------------------------
# 3. Runtime: ASP.NET Core runtime only, running as the image's non-root
#    'app' user (UID $APP_UID, 1654).
# ---------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime

# GATEWAY_URLS is what the gateway binds to. The base image's
# ASPNETCORE_HTTP_PORTS=8080 is cleared so ASP.NET Core does not log an
# "Overriding HTTP_PORTS" warning when the gateway applies its own URLs.
# DOTNET_TC_CallCountingDelayMs=0: the JIT starts counting calls at once instead of
# after 100 ms without a new method, which a loaded gateway keeps putting off; it
# reaches full speed in about half the time (README "Benchmarks", warm-up).
ENV GATEWAY_URLS=http://0.0.0.0:8080 \
    GATEWAY_DATA_DIR=/data \
    ASPNETCORE_HTTP_PORTS= \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    DOTNET_TC_CallCountingDelayMs=0

WORKDIR /app
COPY --from=build /app ./

# Writable state lives in /data (owned by the runtime user so a fresh named
# volume mounted there inherits that ownership).
RUN mkdir -p /data && chown "$APP_UID:$APP_UID" /data
VOLUME ["/data"]

USER $APP_UID
EXPOSE 8080

# The image has no curl/wget; bash's /dev/tcp speaks just enough HTTP/1.1.
# The port is taken from the first URL in GATEWAY_URLS (default 8080).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "u=${GATEWAY_URLS%%;*}; p=${u##*:}; p=${p%%/*}; [[ $p =~ ^[0-9]+$ ]] || p=8080; exec 3<>/dev/tcp/127.0.0.1/$p || exit 1; printf 'GET /health/liveness HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3; IFS= read -r -t 4 status <&3 || exit 1; [[ $status =~ ^HTTP/1\\.[01]\\ 2[0-9][0-9] ]]"]

ENTRYPOINT ["dotnet", "/app/gateway.dll"]
CMD ["serve"]
