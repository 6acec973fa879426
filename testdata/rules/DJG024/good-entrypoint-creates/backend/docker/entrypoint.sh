#!/bin/sh
set -e
mkdir -p "${LOG_DIR:-/var/log/shop}" /var/log/other
exec "$@"
