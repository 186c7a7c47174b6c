#!/bin/sh
# Installs what the test suite needs: Debian's Chromium and the build dependencies
# of pyicu (for followthemoney), the project with its test extras, and the Maven
# artifacts of the test Neo4j (fetched once into ~/.m2). Safe to run again.
set -eu
cd "$(dirname "$0")/.."

missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
for pkg in libicu-dev pkg-config g++; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "missing Debian packages:$missing (install them as root; browser and FtM tests need them)" >&2
  fi
fi

python -m pip install -q --disable-pip-version-check -e '.[test]'
python -m compileall -q graphkit  # bytecode, as `pip install .` leaves it (an editable install has none)

if command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then
  python tests/neo4j_server.py --build-only
else
  echo "java or mvn missing: the Neo4j tests will skip (or fail with GRAPHKIT_TEST_NEO4J=require)" >&2
fi
