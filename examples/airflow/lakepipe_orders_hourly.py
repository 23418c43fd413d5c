"""An hourly lakepipe pipeline on Airflow 2.9: wait for the upstream pipeline's hour, then run this one.

What each piece relies on (see the README, "Scheduling with Airflow and cron"):

* The logical time is the start of the data interval, ``{{ data_interval_start }}``: the hour this run computes,
  stored by lakepipe in every commit it makes. With ``catchup=True`` Airflow runs every missed hour, oldest first.
* Retries are safe because runs are idempotent: a retry of an hour resumes from the checkpoint in the target's last
  commit (a killed run's partial commit is redone), and a retry of an hour that did succeed finds its own commit and
  commits nothing ("already done"). A run killed on this host leaves a lock that the retry takes over at once; on
  another host the lock expires two minutes after its holder's last heartbeat, hence ``retry_delay``.
* The sensor asks ``lakepipe status`` of the upstream pipeline for the same hour: exit 0 published, exit 5 not yet
  (poke again), anything else fails the sensor (2: invalid spec, 1: cannot read the tables).
* ``max_active_runs=1``: hours of one pipeline run one at a time (lakepipe would refuse an overlap with exit 4).
"""

import os
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sensors.bash import BashSensor

# Where lakepipe is installed on the Airflow workers: bin/, conf/ and dist/target/lakepipe.jar of a build.
LAKEPIPE_HOME = os.environ.get("LAKEPIPE_HOME", "/opt/lakepipe")
# This pipeline: a spec of yours whose driving source is read with `read = incremental` (README, Incremental runs).
SPEC = f"{LAKEPIPE_HOME}/conf/jobs/open_orders.conf"
# The pipeline that writes that source, e.g. the shipped orders pipeline.
UPSTREAM_SPEC = f"{LAKEPIPE_HOME}/conf/jobs/orders.conf"
PROFILE = f"{LAKEPIPE_HOME}/conf/env/yarn.conf"

# lakepipe's exit code for "this hour is not published yet" (`lakepipe status`).
NOT_PUBLISHED = 5

LOGICAL_TIME = "{{ data_interval_start.isoformat() }}"
# A full recompute at midnight resets the incremental checkpoints; the other hours apply the changes since then.
MODE = "{{ 'full' if data_interval_start.hour == 0 else 'incremental' }}"


def java17_flags():
    """The JVM flags Spark needs on Java 17, as the build writes them (dist/target/jvm-flags.txt)."""
    path = f"{LAKEPIPE_HOME}/dist/target/jvm-flags.txt"
    if os.path.exists(path):
        with open(path) as flags:
            return flags.read().strip()
    return "-XX:+IgnoreUnrecognizedVMOptions"


with DAG(
    dag_id="lakepipe_orders_hourly",
    schedule="@hourly",
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=True,
    max_active_runs=1,
    default_args={
        "retries": 3,
        "retry_delay": timedelta(minutes=3),
        "retry_exponential_backoff": True,
    },
    tags=["lakepipe"],
) as dag:
    upstream_published = BashSensor(
        task_id="upstream_published",
        bash_command=(
            f"{LAKEPIPE_HOME}/bin/lakepipe status {UPSTREAM_SPEC} --env-file {PROFILE} "
            f"--logical-time {LOGICAL_TIME}"
        ),
        retry_exit_code=NOT_PUBLISHED,
        mode="reschedule",
        poke_interval=300,
        timeout=6 * 3600,
    )

    open_orders = SparkSubmitOperator(
        task_id="open_orders",
        # Master yarn, deploy mode cluster (the connection's extra). In cluster mode spark-submit reports whether the
        # application failed, not lakepipe's own exit code; the task fails and is retried either way.
        conn_id="spark_default",
        application=f"{LAKEPIPE_HOME}/dist/target/lakepipe.jar",
        java_class="dev.lakepipe.cli.Lakepipe",
        name="lakepipe open_orders {{ data_interval_start }}",
        # Cluster deploy mode: --files puts the spec and the profile in the driver's working directory.
        files=f"{SPEC},{PROFILE}",
        application_args=[
            "run", os.path.basename(SPEC), "--env-file", os.path.basename(PROFILE),
            "--mode", MODE,
            "--logical-time", LOGICAL_TIME,
            # lakepipe's JSON event lines on stderr, where the task log collects them.
            "--log-json", "-",
        ],
        conf={
            "spark.driver.extraJavaOptions": java17_flags(),
            "spark.executor.extraJavaOptions": java17_flags(),
        },
        driver_memory="2g",
        executor_memory="4g",
        executor_cores=2,
    )

    upstream_published >> open_orders
