# moodle-sence-mock: the mock Moodle + SENCE server, serving the demo on 0.0.0.0:8000.
#   docker build -t moodle-sence-mock .
#   docker run --rm -p 8000:8000 moodle-sence-mock
# A scenario of your own: mount it and name it (fixture paths resolve next to it):
#   docker run --rm -p 8000:8000 -v "$PWD:/world:ro" -e MOCKSERVER_SCENARIO=/world/scenarios/starter.yaml moodle-sence-mock
# BASE: any Debian-based image with python3 (>= 3.11) and its venv module.
ARG BASE=python:3.12-slim

FROM ${BASE} AS build
WORKDIR /src
COPY pyproject.toml setup.py MANIFEST.in README.md LICENSE ./
COPY mockserver mockserver
COPY scenarios scenarios
COPY fixtures fixtures
RUN python3 -m venv /opt/mockserver \
 && /opt/mockserver/bin/pip install --no-cache-dir --disable-pip-version-check -q /src \
 && /opt/mockserver/bin/pip uninstall -q -y pip

FROM ${BASE}
COPY --from=build /opt/mockserver /opt/mockserver
# A user without a home or a shell; the server needs no writable path.
RUN echo 'mockserver:x:10001:10001::/nonexistent:/usr/sbin/nologin' >> /etc/passwd \
 && echo 'mockserver:x:10001:' >> /etc/group
USER 10001:10001
ENV PATH=/opt/mockserver/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    MOCKSERVER_PUBLIC_URL=http://127.0.0.1:8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/__mock/ready' % os.environ.get('PORT', '8000'), timeout=2)"]
ENTRYPOINT ["mockserver"]
# The admin API (/__mock/) answers any client inside a container (clients come through Docker's
# network, never from loopback); -e MOCKSERVER_ADMIN_TOKEN=... makes it ask for a bearer token.
CMD ["serve", "--admin-open"]
