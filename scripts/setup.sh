#!/usr/bin/env bash
# Set up .venv for the app, or with --test for the tests (test tools too).
# Both install Debian's Chromium and CJK fonts (fonts-noto-cjk) when missing: the app prints its PDF
# report with Chromium (Chinese in real glyphs), and the browser tests drive the same Chromium.
# --test also installs Java (default-jre-headless, OpenJDK 17 on Debian 12) when missing: the Spark
# tests run PySpark in local mode, which starts a JVM.
# Safe to run again: pip and apt-get skip what is already installed.
set -euo pipefail
cd "$(dirname "$0")/.."

requirements=requirements.txt
[ "${1:-}" = "--test" ] && requirements=requirements-dev.txt

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"

packages=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || packages+=(chromium)
if ! { command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q .; }; then packages+=(fonts-noto-cjk); fi
if [ "$requirements" = requirements-dev.txt ] && ! command -v java >/dev/null 2>&1; then packages+=(default-jre-headless); fi
if [ ${#packages[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: install ${packages[*]} with your system's package manager: the PDF report needs Chromium" \
         "and a CJK font (the app and its HTML report work without them; the PDF button says why it is off)," \
         "the Spark tests Java." >&2
  elif [ "$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1; then
    as_root=(); [ "$(id -u)" = 0 ] || as_root=(sudo)
    # A failed install leaves the app working without the PDF (its button says why): a warning, not a stop.
    "${as_root[@]}" apt-get update -qq && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq "${packages[@]}" >/dev/null \
      || echo "setup: apt-get could not install ${packages[*]}; the PDF report (and with --test, the Spark" \
              "tests) need them." >&2
  else
    echo "setup: run as root: apt-get install ${packages[*]} (needed for the PDF report; Java for the Spark tests)" >&2
  fi
fi
