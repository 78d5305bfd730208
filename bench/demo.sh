# Sourced by bench/audit-http and bench/fuzz-graphql: serves the demo on a
# fresh database for a tool to run against.
#
#   demo_serve sqlite|postgres PORT [BIN] [ENV=VALUE ...]
#
# Builds the release binary unless BIN is given, creates the database (a
# SQLite file in a temporary folder, or PostgreSQL database zs_demo_<pid>),
# starts `serve --demo` with the extra environment, waits for /healthz, and
# sets DEMO_LOG (the server's log) and DEMO_KEY (the demo's admin key). An
# EXIT trap stops the server and drops the database.

DEMO_WORK=$(mktemp -d)
DEMO_PID=
DEMO_DB=
demo_stop() {
  if [ -n "$DEMO_PID" ]; then kill "$DEMO_PID" 2>/dev/null || true; sleep 1; fi
  if [ -n "$DEMO_DB" ]; then psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $DEMO_DB WITH (FORCE)" postgres; fi
  rm -rf "$DEMO_WORK"
}
trap demo_stop EXIT

demo_serve() {
  local db=$1 port=$2 bin=${3:-} url
  shift 3 || shift $#
  case "$db" in
    sqlite) url="sqlite://$DEMO_WORK/demo.db?mode=rwc" ;;
    postgres)
      DEMO_DB="zs_demo_$$"
      psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE $DEMO_DB" postgres
      url="postgres://postgres@127.0.0.1:5432/$DEMO_DB"
      ;;
    *) echo "database: sqlite or postgres" >&2; exit 2 ;;
  esac
  if [ -z "$bin" ]; then
    bin=target/release/zhaoshang
    [ -x "$bin" ] || echo "== building the release binary: the first build compiles every dependency, about 15 minutes on 2 cores"
    cargo build --release --quiet
  fi
  DEMO_LOG="$DEMO_WORK/serve.log"
  env "$@" ZHAOSHANG_DATABASE_URL="$url" ZHAOSHANG_LISTEN="127.0.0.1:$port" "$bin" serve --demo >"$DEMO_LOG" 2>&1 &
  DEMO_PID=$!
  for _ in $(seq 1 60); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 1
  done
  DEMO_KEY=$(grep -o 'zs_[A-Za-z0-9_-]\{43\}' "$DEMO_LOG" | head -n 1)
}
