#!/usr/bin/env bash
# Load benchmark: gunicorn on PostgreSQL with the demo data enlarged, wrk on loopback.
#
#   bash bench/load.sh            # 50 connections for 60 s, then a burst of 200 registrations
#   bash bench/load.sh --short    # the same in 10 s (CI)
#
# Prints requests per second, p50/p99 latency, the count of non-2xx/3xx responses (must be 0 apart from
# expected 429s) and the confirmed count of the burst activity (must be exactly 20). Exits non-zero when
# either rule is broken. Needs wrk (Debian: apt-get install wrk) and a local PostgreSQL (trust auth).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=60
[ "${1:-}" = "--short" ] && DURATION=10
CONNECTIONS=${CONNECTIONS:-50}
PORT=${LOAD_PORT:-8766}
PG=${PG_URL:-postgres://postgres@127.0.0.1:5432}
DB="hvhk_bench_load_$$"
PY=.venv/bin/python
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }

export DATABASE_URL="$PG/$DB"
export DEBUG=0 SECRET_KEY="load-bench-$(date +%s)-not-secret-xxxxxxxxxxxxxxxxxxxxxxxxxxxx"
export ALLOWED_HOSTS=127.0.0.1 SITE_URL="http://127.0.0.1:$PORT"
export SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0 STATIC_MANIFEST=1
export MAIL_BACKEND=locmem LOG_LEVEL=WARNING
# The burst's parents come from many addresses behind one proxy, as in production.
export RATELIMIT_TRUSTED_PROXIES=1
unset REDIS_URL  # eager Celery, local-memory cache per worker: the web tier alone is measured

server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
}
trap cleanup EXIT

psql "$PG/postgres" -qc "CREATE DATABASE $DB" >/dev/null
$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0
ACTIVITY=$(DEBUG=1 $PY bench/load_setup.py)
SLUG=$($PY manage.py shell -v 0 -c "from aanbod.models import Aanbod; print(Aanbod.objects.gepubliceerd().order_by('id').first().slug)")

WEB_CONCURRENCY=${WEB_CONCURRENCY:-4} PORT=$PORT .venv/bin/gunicorn -c gunicorn.conf.py \
  --bind "127.0.0.1:$PORT" --access-logfile /dev/null huisvanhetkind.wsgi >/tmp/hvhk-load-gunicorn.log 2>&1 &
server_pid=$!
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

URLS=(/ /aanbod/ "/aanbod/?q=slapen" "/aanbod/?leeftijd=2" "/aanbod/?gratis=1&thema=slapen" /agenda/
      "/aanbod/$SLUG/" /partners/ /en/aanbod/ /fr/agenda/ /agenda.ics /vraag/)
echo "== wrk: $CONNECTIONS connections, ${DURATION}s, ${#URLS[@]} URLs"
wrk_out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency --timeout 10s -s bench/load_urls.lua \
  "http://127.0.0.1:$PORT" -- "${URLS[@]}")
echo "$wrk_out" | grep -E "Requests/sec|Non-2xx|Socket errors|requests in" || true
p50=$(echo "$wrk_out" | awk '/ 50%/ {print $2}')
p99=$(echo "$wrk_out" | awk '/ 99%/ {print $2}')
non2xx=$(echo "$wrk_out" | awk '/Non-2xx or 3xx responses/ {print $5}')
echo "latency p50=$p50 p99=$p99 non-2xx/3xx=${non2xx:-0}"

echo "== burst: 200 registrations for one activity of 20 places"
burst_rc=0
$PY bench/load_burst.py "http://127.0.0.1:$PORT" "$ACTIVITY" --parents 200 --concurrency 50 || burst_rc=$?
confirmed=$($PY manage.py shell -v 0 -c "
from aanbod.models import Inschrijving
print(sum(i.aantal_personen for i in Inschrijving.objects.filter(activiteit_id=$ACTIVITY, status='bevestigd')))")
waiting=$($PY manage.py shell -v 0 -c "
from aanbod.models import Inschrijving
print(Inschrijving.objects.filter(activiteit_id=$ACTIVITY, status='wachtlijst').count())")
echo "confirmed=$confirmed (must be 20) waiting_list=$waiting"

status=0
[ "${non2xx:-0}" = "0" ] || { echo "FAIL: $non2xx non-2xx/3xx responses under load"; tail -20 /tmp/hvhk-load-gunicorn.log; status=1; }
[ "$confirmed" = "20" ] || { echo "FAIL: confirmed $confirmed, not 20"; status=1; }
[ "$burst_rc" = "0" ] || { echo "FAIL: unexpected responses in the burst"; status=1; }
exit $status
