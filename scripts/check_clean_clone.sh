#!/usr/bin/env bash
# Prove the README's `make run` works on a fresh clone: clone, run it, wait for the site to answer,
# check the home page and admin login, run the demo loader a second time (idempotent), stop.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'kill $(cat "$work/pid" 2>/dev/null) 2>/dev/null || true; pkill -f "runserver 127.0.0.1:$port" 2>/dev/null || true; rm -rf "$work"' EXIT
git clone -q "$src" "$work/clone"
cd "$work/clone"
# Reuse the pip and npm caches; everything else is built from scratch.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
( env -u DATABASE_URL make run PORT="$port" > "$work/run.log" 2>&1 & echo $! > "$work/pid" )
for _ in $(seq 1 600); do
  if curl -fsS "http://127.0.0.1:$port/" -o "$work/home.html" 2>/dev/null; then break; fi
  sleep 1
done
if ! grep -q "<h1" "$work/home.html" 2>/dev/null; then
  echo "clean clone: the site did not come up"; tail -50 "$work/run.log"; exit 1
fi
curl -fsS "http://127.0.0.1:$port/admin/login/" -o /dev/null
curl -fsS "http://127.0.0.1:$port/static/css/nlds-components.css" -o /dev/null
.venv/bin/python manage.py load_demo | tee "$work/second.log"
grep -q "home: 0 pages created" "$work/second.log"
echo "clean clone: make run works (site on port $port, demo loader idempotent)"
