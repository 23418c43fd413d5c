"""Shared helpers of the lakepipe notebooks: where the warehouse is, its tables as typed pandas DataFrames, and
the quality reports the checks write.

A notebook's queries are the files ``notebooks/sql/<notebook>.<name>.sql``, which name a table ``{{ods.orders}}``:
the table as the warehouse's specs name it, ``delta:ods.orders``, its format read from the specs so that the
queries follow them. ``load("marketing")`` runs all of them in one ``bin/lakepipe query`` call (one JVM start, ~10 s) into a data folder, and reads them back from
there on the next call, until a query file changes or ``refresh=True``. ``notebooks/run.sh`` fetches the data of
every notebook in a single call before executing them.

Environment:
  LAKEPIPE_WAREHOUSE  the warehouse root (default: ./warehouse in the repository, where `lakepipe demo
                      warehouse` writes)
  LAKEPIPE_NB_DATA    the data folder (default: <warehouse>/_notebooks)
  LAKEPIPE_NB_SPECS   the specs that say each table's format (default: conf/jobs/reference in the repository)
  LAKEPIPE_HEAP       the JVM heap of bin/lakepipe (default here: 1g)
"""

import glob
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

NOTEBOOKS = Path(__file__).resolve().parent
REPOSITORY = NOTEBOOKS.parent
SQL = NOTEBOOKS / "sql"
LAKEPIPE = REPOSITORY / "bin" / "lakepipe"

# In a spec, a source or target names its table as `format = delta, table = ods.orders`.
_SPEC_TABLE = re.compile(r"\bformat\s*=\s*(\w+)\s*,\s*table\s*=\s*([\w.]+)")
_PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")
_INTEGERS = {"byte", "short", "integer", "long"}
_FLOATS = {"float", "double"}


def warehouse() -> Path:
    """The warehouse root: $LAKEPIPE_WAREHOUSE, else ./warehouse in the repository."""
    root = Path(os.environ.get("LAKEPIPE_WAREHOUSE", REPOSITORY / "warehouse")).resolve()
    if not root.is_dir():
        raise FileNotFoundError(
            f"no warehouse at {root}: build one with `bin/lakepipe demo warehouse --warehouse {root}`"
            " or point LAKEPIPE_WAREHOUSE at one")
    return root


def data_dir() -> Path:
    """Where the queries' rows are kept: $LAKEPIPE_NB_DATA, else <warehouse>/_notebooks."""
    return Path(os.environ.get("LAKEPIPE_NB_DATA", warehouse() / "_notebooks"))


def query_files(*notebooks: str) -> list:
    """The query files of these notebooks (all notebooks when none is named), sorted."""
    patterns = [f"{n}.*.sql" for n in notebooks] or ["*.sql"]
    files = sorted({Path(f) for p in patterns for f in glob.glob(str(SQL / p))})
    if not files:
        raise FileNotFoundError(f"no query file {' or '.join(patterns)} in {SQL}")
    return files


def sql(notebook: str, name: str) -> str:
    """The text of one query, to show what a table is made of."""
    return (SQL / f"{notebook}.{name}.sql").read_text()


def tables() -> dict:
    """Each table of the warehouse's specs ($LAKEPIPE_NB_SPECS) by name, as a query names it: {"ods.orders":
    "delta:ods.orders", ...}.

    Raises ValueError when two specs give one table different formats."""
    specs = Path(os.environ.get("LAKEPIPE_NB_SPECS", REPOSITORY / "conf" / "jobs" / "reference"))
    named = {}
    for spec in sorted(specs.glob("*.conf")):
        for table_format, table in _SPEC_TABLE.findall(spec.read_text()):
            if named.setdefault(table, f"{table_format}:{table}") != f"{table_format}:{table}":
                raise ValueError(f"{spec}: {table} is {table_format} here, {named[table]} in another spec")
    return named


def render(text: str) -> str:
    """The query with each {{database.table}} replaced by the table as its spec names it, in backquotes.

    Raises KeyError naming a table no spec has."""
    known = tables()

    def table(match):
        if match.group(1) not in known:
            raise KeyError(f"no spec in conf/jobs/reference has table {match.group(1)} (known: {', '.join(sorted(known))})")
        return f"`{known[match.group(1)]}`"
    return _PLACEHOLDER.sub(table, text)


def fetch(*notebooks: str, refresh: bool = False) -> None:
    """Runs the queries of these notebooks (all when none is named) whose rows are missing or were fetched by a
    different query, in one `lakepipe query` call.

    Raises RuntimeError with lakepipe's message when a query fails."""
    out = data_dir()
    rendered = out / "sql"
    rendered.mkdir(parents=True, exist_ok=True)
    stale = []
    for query_file in query_files(*notebooks):
        text = render(query_file.read_text())
        ran = rendered / query_file.name
        if refresh or not (out / f"{query_file.stem}.jsonl").exists() or not ran.exists() or ran.read_text() != text:
            ran.write_text(text)
            stale.append(ran)
    if not stale:
        return
    command = [str(LAKEPIPE), "query", "--set", f"warehouse={warehouse()}", "--output", "jsonl", "--limit", "0",
               "--out-dir", str(out)]
    for ran in stale:
        command += ["--file", str(ran)]
    _run(command)


def load(notebook: str, refresh: bool = False) -> dict:
    """The rows of each query of a notebook, by query name, as typed DataFrames (fetched first if needed)."""
    fetch(notebook, refresh=refresh)
    return {f.stem.split(".", 1)[1]: read(data_dir() / f.stem) for f in query_files(notebook)}


def query(text: str) -> pd.DataFrame:
    """Runs one query now (one JVM start), for trying things out: nb.query("SELECT * FROM {{ads.kpi_hourly}}")."""
    with tempfile.TemporaryDirectory() as folder:
        query_file = Path(folder) / "query.sql"
        query_file.write_text(render(text))
        _run([str(LAKEPIPE), "query", "--set", f"warehouse={warehouse()}", "--output", "jsonl", "--limit", "0",
              "--out-dir", folder, "--file", str(query_file)])
        return read(Path(folder) / "query")


def read(base: Path) -> pd.DataFrame:
    """Reads <base>.jsonl typed by <base>.schema.json (Spark's schema): integers as int64 (Int64 when a value is
    null), decimals and floats as float, timestamps as UTC datetimes, dates as datetimes, booleans as bool (boolean
    when a value is null)."""
    schema = json.loads(Path(f"{base}.schema.json").read_text())
    names = [field["name"] for field in schema["fields"]]
    with open(f"{base}.jsonl", encoding="utf-8") as lines:
        frame = pd.DataFrame.from_records([json.loads(line) for line in lines], columns=names)
    for field in schema["fields"]:
        frame[field["name"]] = _typed(frame[field["name"]], field["type"])
    return frame


def quality_reports(pipeline: str = None) -> pd.DataFrame:
    """One row per check of every quality report under <warehouse>/_lakepipe/quality/<pipeline>/reports, oldest run
    first: pipeline, target, run_id, logical_time, outcome, rows_in/written/quarantined and the check's name, kind,
    level, status, metric, value, bound, lower, upper, message and its metric's history (a list of points)."""
    rows = []
    pattern = warehouse() / "_lakepipe" / "quality" / (pipeline or "*") / "reports" / "*.json"
    for path in sorted(glob.glob(str(pattern))):
        report = json.loads(Path(path).read_text())
        run = {"pipeline": report["pipeline"], "target": report["target"], "run_id": report["runId"],
               "logical_time": report["logicalTime"], "outcome": report["outcome"], "rows_in": report["rowsIn"],
               "rows_written": report["rowsWritten"], "rows_quarantined": report["rowsQuarantined"]}
        for check in report["checks"] or [{}]:
            rows.append({**run, **{"check": check.get("name"), "kind": check.get("kind"),
                                   "level": check.get("level"), "status": check.get("status"),
                                   "metric": check.get("metric"), "value": check.get("value"),
                                   "bound": check.get("bound"), "lower": check.get("lower"),
                                   "upper": check.get("upper"), "message": check.get("message"),
                                   "history": check.get("history") or []}})
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame["logical_time"] = pd.to_datetime(frame["logical_time"], utc=True)
        frame = frame.sort_values(["logical_time", "pipeline", "target", "check"], kind="stable")
    return frame.reset_index(drop=True)


def _typed(column: pd.Series, spark_type) -> pd.Series:
    if not isinstance(spark_type, str):
        return column  # arrays, maps and structs stay as Python lists and dicts
    # Plain NumPy types where there are no nulls, so that arithmetic and matplotlib take them as they are.
    if spark_type in _INTEGERS:
        return column.astype("Int64" if column.isna().any() else "int64")
    if spark_type in _FLOATS or spark_type.startswith("decimal"):
        return pd.to_numeric(column).astype(float)
    if spark_type.startswith("timestamp"):
        return pd.to_datetime(column, utc=True)
    if spark_type == "date":
        return pd.to_datetime(column, format="%Y-%m-%d")
    if spark_type == "boolean":
        return column.astype("boolean" if column.isna().any() else "bool")
    return column


def _run(command: list) -> None:
    env = {**os.environ, "LAKEPIPE_HEAP": os.environ.get("LAKEPIPE_HEAP", "1g")}
    done = subprocess.run(command, cwd=REPOSITORY, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    if done.returncode != 0:
        said = [line for line in done.stderr.splitlines() if line.startswith("lakepipe:")] or done.stderr.splitlines()
        raise RuntimeError(f"bin/lakepipe query exited with {done.returncode}: " + "\n".join(said[-5:]))
