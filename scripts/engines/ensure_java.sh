#!/usr/bin/env bash
# Spark (pyspark 4.x) needs Java 17 or later. Installs Debian's OpenJDK 17 with apt-get when
# no java is on PATH (root only); otherwise says what to install.
set -euo pipefail

if command -v java >/dev/null 2>&1; then
    exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
    echo "ensure_java: Spark needs Java 17+. Install it (Debian: sudo apt-get install openjdk-17-jre-headless) and retry." >&2
    exit 1
fi
echo "ensure_java: no java on PATH: installing Debian's openjdk-17-jre-headless" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
command -v java >/dev/null 2>&1 || { echo "ensure_java: java still missing after the install" >&2; exit 1; }
