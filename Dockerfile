# syntax=docker/dockerfile:1
# crm-guardrail: slim, non-root image running `guardrail serve` with the shipped policy pack.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY guardrail ./guardrail
COPY policies ./policies
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    GUARDRAIL_LISTEN=0.0.0.0:8080 \
    GUARDRAIL_ADMIN_LISTEN=0.0.0.0:9090
# The audit log's default home (sqlite:///guardrail-audit.db, in the working directory) must be
# writable by the runtime user, or every write is refused (fail closed). Mount a volume here to
# keep it; replicas share PostgreSQL instead (GUARDRAIL_AUDIT_DSN).
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin guardrail \
    && install -d -o 10001 -g 10001 -m 0750 /var/lib/guardrail
WORKDIR /var/lib/guardrail
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-compile /wheels/*.whl && rm -rf /wheels
USER 10001:10001
EXPOSE 8080 9090
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:9090/healthz', timeout=2)"]
ENTRYPOINT ["guardrail", "serve"]
