#!/usr/bin/env bash
# System packages the test suite needs (Debian): Chromium for the browser tests, docker-compose to
# validate docker-compose.yml. Installs only what is missing; safe to run again.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# espeak-ng speaks the test and benchmark phrases that the transcription tests feed in.
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
# ffmpeg (ffprobe) checks uploaded voice notes and video clips and reads their duration.
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
if ! command -v docker-compose >/dev/null 2>&1 && ! docker compose version >/dev/null 2>&1; then missing+=(docker-compose); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends "${missing[@]}"
fi
