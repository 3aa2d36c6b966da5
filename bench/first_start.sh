#!/usr/bin/env bash
# The first start on a clean machine: a fresh `git clone` of the current commit, then `make run` until the
# first page answers. Caches of pip and uv are empty (a private cache directory), so the packages come
# from the index as they would on a new laptop.
#
#   bash bench/first_start.sh            # clones HEAD of this repository into /tmp, port 8199
#   bash bench/first_start.sh <commit>   # another commit (one whose Makefile knows PORT)
#   FIRST_START_PORT=8108 bash bench/first_start.sh
#
# Prints the seconds until / answered 200 and the time of each step from make's own output.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${FIRST_START_PORT:-8199}
WORK=$(mktemp -d /tmp/hvhk-first-start.XXXXXX)
make_pid=""
cleanup() {
  # make runs in its own process group (setsid): stop runserver and its autoreloader with it.
  [ -n "$make_pid" ] && kill -- "-$make_pid" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

git clone -q --no-hardlinks "$PWD" "$WORK/repo"
git -C "$WORK/repo" checkout -q "$(git rev-parse "${1:-HEAD}")"
export XDG_CACHE_HOME="$WORK/cache" PIP_CACHE_DIR="$WORK/cache/pip" UV_CACHE_DIR="$WORK/cache/uv"
unset DATABASE_URL REDIS_URL VIRTUAL_ENV

start=$(date +%s.%N)
( cd "$WORK/repo" && exec setsid make run PORT="$PORT" ) >"$WORK/make.log" 2>&1 &
make_pid=$!
status=000
declare -A seen=()
steps=("manage.py migrate" "manage.py seed_demo" "Serving on")
while kill -0 "$make_pid" 2>/dev/null; do
  now=$(date +%s.%N)
  for step in "${steps[@]}"; do
    [ -z "${seen[$step]:-}" ] && grep -qF "$step" "$WORK/make.log" && seen[$step]=$now
  done
  status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/" || true)
  [ "$status" = "200" ] && break
  sleep 0.25
done
end=$(date +%s.%N)
if [ "$status" != "200" ]; then
  echo "FAIL: make run stopped before / answered"; tail -30 "$WORK/make.log"; exit 1
fi
printf 'first page after %.1f s (make run on a fresh clone, empty package caches)\n' "$(echo "$end - $start" | bc)"
# Each step ends when the next one's command line appears in make's output.
marks=("$start" "${seen[manage.py migrate]:-$end}" "${seen[manage.py seed_demo]:-$end}" "${seen[Serving on]:-$end}" "$end")
names=("venv + install" "migrate" "seed_demo" "runserver until / answers")
for i in 0 1 2 3; do
  printf '  %-26s %6.1f s\n' "${names[$i]}" "$(echo "${marks[$((i + 1))]} - ${marks[$i]}" | bc)"
done
grep -E "^Install" "$WORK/make.log" || true
