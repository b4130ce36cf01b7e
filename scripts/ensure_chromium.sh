#!/usr/bin/env bash
# Installs Debian's chromium (browser tests drive /usr/bin/chromium) and a colour emoji font (the
# semáforo icons in screenshots) when they are missing.  Only a missing Chromium is an error: without
# the emoji font the tests still run (screenshots show empty boxes instead of 🟢), so that only warns —
# e.g. on a machine whose apt has no network.
set -uo pipefail
EMOJI_FONT=/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
if [ -x /usr/bin/chromium ] && [ -f "$EMOJI_FONT" ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PACKAGES=()
[ -x /usr/bin/chromium ] || PACKAGES+=(chromium)
[ -f "$EMOJI_FONT" ] || PACKAGES+=(fonts-noto-color-emoji)
if command -v apt-get >/dev/null 2>&1; then
  if ! { $SUDO apt-get update -qq &&
         DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${PACKAGES[@]}" >/dev/null; }; then
    echo "Aviso: no se pudieron instalar ${PACKAGES[*]} con apt-get." >&2
  fi
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "No se pudo instalar Chromium (/usr/bin/chromium): las pruebas de navegador fallarán." >&2
  exit 1
fi
if [ ! -f "$EMOJI_FONT" ]; then
  echo "Aviso: falta la fuente de emoji ($EMOJI_FONT); las capturas mostrarán recuadros en lugar de 🟢." >&2
fi
exit 0
