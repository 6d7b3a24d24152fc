#!/usr/bin/env bash
# Installs what goalsync needs on Debian: libgit2 (build), git, OpenSSH server and client and
# nss_wrapper (sync tests: the test's own home, which OpenSSH reads as `~`), Chromium, chromedriver
# and Python Selenium (the browser tests of the HTML report and of goalsync serve), GNU time, wrk and
# hyperfine (benchmarks), the pre-commit framework (its hook test), and the Python packages of the
# schema cross-check.
# Idempotent; run as root or with sudo.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
packages=(libgit2-dev libcurl4-openssl-dev pkg-config git openssh-server openssh-client libnss-wrapper openssl nginx fcgiwrap apache2-utils chromium chromium-driver python3-selenium time strace pre-commit man-db zsh fish wrk hyperfine)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! python3 -c "import yaml, jsonschema" 2>/dev/null; then
    python3 -m pip install -q pyyaml jsonschema
fi
