#!/usr/bin/env bash
# Installs Debian's chromium (browser tests drive /usr/bin/chromium) and a colour emoji font (the
# semáforo icons in screenshots) when they are missing.
set -euo pipefail
EMOJI_FONT=/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
if [ -x /usr/bin/chromium ] && [ -f "$EMOJI_FONT" ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if command -v apt-get >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "No se pudo instalar Chromium (/usr/bin/chromium): las pruebas de navegador fallarán." >&2
  exit 1
fi
