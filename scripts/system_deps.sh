#!/usr/bin/env bash
# The Debian packages Watchroom's tests and demo need, installed when missing (`make prepare`,
# `make test`, `make run` and `.ci/run` call this; it does nothing when everything is there):
# gettext (compilemessages), Chromium (browser tests), Redis (the Celery probe path), and the camera
# simulator: GStreamer's RTSP server under Debian's python3 and ffmpeg for its clips. CJK fonts only
# make screenshots legible. Installing needs root (or sudo); otherwise it says what is missing.
set -euo pipefail

need=()
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
for pkg in ffmpeg gstreamer1.0-rtsp gir1.2-gst-rtsp-server-1.0 gstreamer1.0-tools gstreamer1.0-plugins-base \
           gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav \
           python3-gst-1.0 gir1.2-gstreamer-1.0 python3-gi fonts-wqy-microhei; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0

echo "system packages missing: ${need[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "install them as root: apt-get install --no-install-recommends ${need[*]}" >&2
  exit 1
fi
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}"
