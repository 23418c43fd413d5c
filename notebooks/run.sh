#!/usr/bin/env bash
# Executes every notebook headless on a small generated warehouse and fails if any cell fails.
#
#   bash notebooks/run.sh                    build a tiny warehouse in a temporary folder, run the notebooks there
#   bash notebooks/run.sh --warehouse DIR    use the warehouse in DIR (built by `lakepipe demo warehouse`)
#   bash notebooks/run.sh --html DIR         also render each executed notebook to DIR/<name>.html, plots included
#
# The executed notebooks are written to a temporary folder, never over the committed ones,
# which carry no outputs. Needs the jar (./mvnw -DskipTests package) and Debian's python3-pandas,
# python3-matplotlib, python3-ipykernel and jupyter-nbconvert (ci/setup.sh installs them).
set -euo pipefail

notebooks="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repository="$(dirname "$notebooks")"
warehouse=""
html=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --warehouse) warehouse="$(realpath "$2")"; shift 2 ;;
    --html) html="$(realpath -m "$2")"; shift 2 ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "notebooks/run.sh: unknown argument $1 (--warehouse DIR, --html DIR)" >&2; exit 2 ;;
  esac
done

work="$(mktemp -d "${TMPDIR:-/tmp}/lakepipe-notebooks.XXXXXX")"
trap 'rm -rf "$work"' EXIT
started=$SECONDS

# The Python of the notebooks' kernel: Debian's, which has pandas (a python3 earlier on PATH, e.g. pyenv's, may not).
python="$(command -v /usr/bin/python3 || command -v python3)"
"$python" "$notebooks/build_notebooks.py" --check

if [[ -z "$warehouse" ]]; then
  warehouse="$work/warehouse"
  echo "notebooks: building a small warehouse in $warehouse ..."
  # Two days and an hourly increment of a small marketplace: every table gets rows, and every ADS table a run of each
  # kind. A short job: the JIT's first tier alone and the parallel collector spend less CPU than the defaults (with a
  # code cache of the size the default compilers get: C1's own 48 MB fills, and the JVM then stops compiling).
  LAKEPIPE_JAVA_OPTS="${LAKEPIPE_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m -XX:+UseParallelGC}" \
    "$repository/bin/lakepipe" demo warehouse --warehouse "$warehouse" --days 2 --hours 1 --orders-per-day 300 \
    --shops 5 > "$work/demo.log" 2>&1 || { tail -n 40 "$work/demo.log" >&2; exit 1; }
  echo "notebooks: warehouse built in $((SECONDS - started)) s"
fi
export LAKEPIPE_WAREHOUSE="$warehouse"
export LAKEPIPE_NB_DATA="$work/data"

# Every notebook's queries in one JVM; the notebooks then read the rows from $LAKEPIPE_NB_DATA.
phase=$SECONDS
(cd "$notebooks" && "$python" -c 'import lakepipe_nb; lakepipe_nb.fetch()')
echo "notebooks: data fetched in $((SECONDS - phase)) s"

out="$work/executed"
mkdir -p "$out"
failed=()
# The warehouse notebooks, those built from notebooks/src (training_set.ipynb reads an export instead: CI runs its
# proof as ci/test-training-export.sh).
for source in "$notebooks"/src/*.py; do
  name="$(basename "$source" .py)"
  notebook="$notebooks/$name.ipynb"
  phase=$SECONDS
  # The notebooks run from notebooks/ (for lakepipe_nb) and are written to $out.
  if jupyter-nbconvert --execute --to notebook --ExecutePreprocessor.timeout=300 \
      --ExecutePreprocessor.kernel_name=python3 --output-dir "$out" --output "$name" "$notebook" \
      > "$work/$name.log" 2>&1; then
    echo "notebooks: $name executed in $((SECONDS - phase)) s"
  else
    echo "notebooks: $name FAILED:" >&2
    # The cell that failed and its error, without the terminal colours of the traceback.
    sed 's/\x1b\[[0-9;]*m//g' "$work/$name.log" | grep -v '^\s*$' | tail -n 25 >&2
    failed+=("$name")
    continue
  fi
  if [[ -n "$html" ]]; then
    jupyter-nbconvert --to html --output-dir "$html" "$out/$name.ipynb" > "$work/$name.html.log" 2>&1 \
      || { echo "notebooks: rendering $name failed:" >&2; tail -n 20 "$work/$name.html.log" >&2; failed+=("$name"); }
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "notebooks: failed: ${failed[*]}" >&2
  exit 1
fi
echo "notebooks: all executed in $((SECONDS - started)) s${html:+; HTML in $html}"
