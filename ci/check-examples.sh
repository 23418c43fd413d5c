#!/usr/bin/env bash
# Checks the scheduling examples: the Airflow DAG compiles (when a python3 is there; Airflow itself is not needed
# to compile it) and the cron script parses.
set -euo pipefail
cd "$(dirname "$0")/.."

bash -n examples/cron/lakepipe-hourly.sh
if command -v python3 >/dev/null 2>&1; then
  for dag in examples/airflow/*.py; do
    python3 -c 'import sys; compile(open(sys.argv[1]).read(), sys.argv[1], "exec")' "$dag"
  done
  echo "examples: the DAG compiles, the cron script parses"
else
  echo "examples: no python3, the DAG was not compiled; the cron script parses"
fi
