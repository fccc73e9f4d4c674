#!/bin/sh
# The Debian packages `make cluster` runs on: haproxy always, redis-server only when no Redis answers on
# 127.0.0.1:6379 (cluster.py then starts its own on port 6390). PostgreSQL 15 is already needed by the tests.
# Idempotent: apt is not touched when the commands are already there.
set -eu

redis_answers() {
    # A PING over bash's /dev/tcp would need bash; redis-cli may be missing, so try both.
    if command -v redis-cli >/dev/null 2>&1; then
        redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG
    else
        python3 -c 'import socket; s = socket.create_connection(("127.0.0.1", 6379), 1); s.sendall(b"PING\r\n");
assert s.recv(16).startswith(b"+PONG")' 2>/dev/null
    fi
}

missing=""
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing="haproxy"
if ! redis_answers && ! command -v redis-server >/dev/null 2>&1; then
    missing="$missing redis-server"
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    missing="$missing postgresql"
fi

if [ -z "$missing" ]; then
    echo "cluster packages: all present"
    exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "cluster packages: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the package list is wanted
$SUDO apt-get install -y -qq --no-install-recommends $missing
