#!/usr/bin/env bash
# After the Maven build: PyTorch loads the training export that TrainingSetTest wrote and trains a tiny model on it.
set -euo pipefail
cd "$(dirname "$0")/.."

export_dir=training/target/training-export
if [[ ! -f "$export_dir/manifest.json" ]]; then
  echo "no export in $export_dir: run the training module's tests first (TrainingSetTest writes it)" >&2
  exit 1
fi
# Debian's python3, which has python3-torch and python3-numpy (ci/setup.sh).
/usr/bin/python3 training/src/test/python/test_export.py "$export_dir" -v
