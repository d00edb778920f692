#!/usr/bin/env bash
# Runs the README's Runbook, step by step as written there, against the local PostgreSQL server:
# production configuration refusal, migrations, backup and restore (+ verify-audit on the copy),
# SAFECITY_DATA_KEY rotation while the API serves (search by number before, during, after),
# reading the metrics. Creates its own databases and API process and removes them on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

ADMIN_URL=${RUNBOOK_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
SERVER=${ADMIN_URL%/*}
DB=safecity_runbook_$$
RESTORED=${DB}_restored
WORK=$(mktemp -d)
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
OLD_KEY=runbook-old-data-key-$(openssl rand -hex 16)
NEW_KEY=runbook-new-data-key-$(openssl rand -hex 16)
export METRICS_TOKEN=runbook-metrics-$(openssl rand -hex 8)
API_PID=""

step() { echo "== runbook: $*"; }
fail() { echo "runbook check FAILED: $*" >&2; [ -f "$WORK/api.log" ] && tail -20 "$WORK/api.log" >&2; exit 1; }
cleanup() {
  stop_api
  psql -q "$ADMIN_URL" -c "drop database if exists $DB with (force)" -c "drop database if exists $RESTORED with (force)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

cli() { npm run -s cli -- "$@"; }
start_api() { # env assignments for the API process as arguments
  stop_api
  env "$@" PORT="$PORT" DATABASE_URL="$SERVER/$DB" setsid node_modules/.bin/tsx packages/api/src/cli.ts serve >"$WORK/api.log" 2>&1 &
  API_PID=$!
  for _ in $(seq 1 60); do curl -sf "localhost:$PORT/health" >/dev/null && return 0; sleep 0.5; done
  fail "the API did not start"
}
stop_api() {
  if [ -n "$API_PID" ]; then kill -TERM -- "-$API_PID" 2>/dev/null || true; wait "$API_PID" 2>/dev/null || true; API_PID=""; fi
}
gql() { # query, token → response body
  node -e 'const [q,t,u]=process.argv.slice(1);fetch(u,{method:"POST",headers:{"content-type":"application/json",authorization:`Bearer ${t}`},body:JSON.stringify({query:q})}).then(r=>r.text()).then(t=>process.stdout.write(t))' "$1" "$2" "http://localhost:$PORT/graphql"
}
found_by_number() { # number → count of persons found
  gql "{ persons(first: 5, filter: { idNumber: \"$1\" }) { edges { node { id } } } }" "$TOKEN" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);if(r.errors)throw new Error(JSON.stringify(r.errors));console.log(r.data.persons.edges.length)})'
}

step "configuration: production refuses the development modes"
if NODE_ENV=production DATABASE_URL="$SERVER/$DB" timeout 60 npm run -s cli -- serve >"$WORK/prod.log" 2>&1; then fail "production started without AUTH_JWKS_URL / AUTH_PUBLIC_KEY"; fi
grep -q "AUTH_JWKS_URL or AUTH_PUBLIC_KEY" "$WORK/prod.log" || fail "production refusal does not name the missing setting"

step "migrations on a new database, then the demo city"
psql -q "$ADMIN_URL" -c "create database $DB"
export DATABASE_URL="$SERVER/$DB" SAFECITY_DATA_KEY="$OLD_KEY"
cli migrate
cli migrate # a second run applies nothing and succeeds
cli seed >/dev/null

step "backup (pg_dump -Fc) and restore (pg_restore into a new database), verify-audit on the copy"
pg_dump -Fc -d "$SERVER/$DB" -f "$WORK/safecity.dump"
psql -q "$ADMIN_URL" -c "create database $RESTORED"
pg_restore --no-owner --exit-on-error -d "$SERVER/$RESTORED" "$WORK/safecity.dump"
DATABASE_URL="$SERVER/$RESTORED" cli verify-audit | tee "$WORK/verify.json"
grep -q '"ok":true' "$WORK/verify.json" || fail "verify-audit on the restored copy"
[ "$(psql -tA "$SERVER/$RESTORED" -c 'select count(*) from persons')" = "$(psql -tA "$SERVER/$DB" -c 'select count(*) from persons')" ] || fail "restored persons differ"

step "key rotation: before (old key only)"
start_api SAFECITY_DATA_KEY="$OLD_KEY"
TOKEN=$(cli token city_admin)
NUMBER=$(gql '{ persons(first: 1) { edges { node { idNumber(purpose: "runbook key-rotation check") } } } }' "$TOKEN" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).data.persons.edges[0].node.idNumber))')
[ "$(found_by_number "$NUMBER")" = 1 ] || fail "search by number before rotation"

step "key rotation: serve with the new key, the old one as SAFECITY_DATA_KEY_PREVIOUS"
start_api SAFECITY_DATA_KEY="$NEW_KEY" SAFECITY_DATA_KEY_PREVIOUS="$OLD_KEY"
[ "$(found_by_number "$NUMBER")" = 1 ] || fail "search by number after the key switch"
export SAFECITY_DATA_KEY="$NEW_KEY" SAFECITY_DATA_KEY_PREVIOUS="$OLD_KEY"
cli population:rotate-data-key --batch 20 --max-batches 2 # interrupted on purpose
[ "$(found_by_number "$NUMBER")" = 1 ] || fail "search by number during rotation"
cli population:rotate-data-key --batch 200 | tee "$WORK/rotate.log"
grep -q '"finished":true' "$WORK/rotate.log" && grep -q '"rowsNotUnderCurrentKey":0' "$WORK/rotate.log" || fail "rotation did not finish"
[ "$(found_by_number "$NUMBER")" = 1 ] || fail "search by number after rotation"

step "key rotation: drop the old key"
unset SAFECITY_DATA_KEY_PREVIOUS
start_api SAFECITY_DATA_KEY="$NEW_KEY"
[ "$(found_by_number "$NUMBER")" = 1 ] || fail "search by number with the new key alone"
cli verify-audit | grep -q '"ok":true' || fail "verify-audit after rotation"
[ "$(psql -tA "$SERVER/$DB" -c "select count(*) from audit_log where operation = 'rotateDataKey'")" -gt 0 ] || fail "rotation not audited"

step "reading the metrics"
[ "$(curl -s -o /dev/null -w '%{http_code}' "localhost:$PORT/metrics")" = 401 ] || fail "/metrics without the token"
curl -sf -H "authorization: Bearer $METRICS_TOKEN" "localhost:$PORT/metrics" >"$WORK/metrics.txt"
grep -q '^safecity_graphql_requests_total{.*outcome="ok"} [1-9]' "$WORK/metrics.txt" || fail "request series missing"
grep -q '^safecity_graphql_request_duration_seconds_bucket' "$WORK/metrics.txt" || fail "latency histogram missing"
grep -q '^safecity_sql_statements_per_request_count' "$WORK/metrics.txt" || fail "SQL statement series missing"
grep -c "\"log\":\"access\"" "$WORK/api.log" >/dev/null || fail "no access log line"
grep -q "$NUMBER" "$WORK/api.log" && fail "an identity number reached the log"

step "all runbook steps passed"
