#!/usr/bin/env bash
# Runs one lakepipe pipeline for the hour that just ended; cron calls it at a few minutes past every hour:
#
#   5 * * * *  /opt/lakepipe/examples/cron/lakepipe-hourly.sh conf/jobs/open_orders.conf >>/var/log/lakepipe/open_orders.log 2>&1
#
# No flock: lakepipe locks the pipeline and its target tables itself. A run that finds the previous hour still
# running exits 4 at once, and the next hour's run (or a rerun by hand) catches up, since an incremental run
# applies every change since its checkpoint. The hour is computed here, from `date`, so a late start or a rerun
# of this line still computes the hour it names. A full recompute at midnight resets the checkpoints.
#
# Environment: LAKEPIPE_HOME [the folder above this script's], LAKEPIPE_PROFILE [local], LAKEPIPE_HOUR [the
# previous hour, UTC, e.g. 2026-11-22T03:00:00Z: set it to rerun one hour by hand].
set -euo pipefail

spec="${1:?usage: lakepipe-hourly.sh SPEC [lakepipe run options...]}"
shift
LAKEPIPE_HOME="${LAKEPIPE_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
hour="${LAKEPIPE_HOUR:-$(date -u -d '1 hour ago' +%Y-%m-%dT%H:00:00Z)}"
mode=incremental
[[ "$hour" == *T00:00:00Z ]] && mode=full

cd "$LAKEPIPE_HOME"
status=0
bin/lakepipe-submit "${LAKEPIPE_PROFILE:-local}" run "$spec" --mode "$mode" --logical-time "$hour" \
  --log-json "${LAKEPIPE_LOG_JSON:--}" "$@" || status=$?
case "$status" in
  0) ;;
  4) echo "lakepipe-hourly: $spec $hour: another run holds the lock; the next hour catches up" >&2 ;;
  *) echo "lakepipe-hourly: $spec $hour failed with exit $status" >&2 ;;
esac
exit "$status"
