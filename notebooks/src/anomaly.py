# %% [markdown]
# # Anomaly monitoring: hourly GMV, orders and page views with their bounds
#
# `ads.kpi_hourly` holds GMV, orders and PV per hour. Its checks in conf/jobs/reference/ads.conf gate the
# ADS tables: a Holt-Winters forecast of the run's GMV and the rate of change of its orders and PV against the
# same logical time a day earlier. Each run writes a quality report (JSON, under
# `<warehouse>/_lakepipe/quality/warehouse_ads/reports/`) with each check's value, status and, for an anomaly
# check, the metric's history and the bounds it accepted; `lakepipe quality report` renders them too.
# The anomaly checks are skipped until there is enough history (a day of hourly runs for the rate of change, two
# for Holt-Winters), so a small warehouse shows few bounds; the notebook draws its own band as well.

# %%
import matplotlib.pyplot as plt
import pandas as pd

import lakepipe_nb as nb

kpi = nb.load("anomaly")["kpi"].set_index("hour")
reports = nb.quality_reports("warehouse_ads")
checks = reports[reports.target == "kpi_hourly"]
print(f"{len(kpi)} hours of KPIs; {checks.run_id.nunique()} runs of kpi_hourly's checks")
assert not kpi.empty, "ads.kpi_hourly is empty"
checks[["logical_time", "run_id", "outcome", "check", "kind", "status", "metric", "value", "lower", "upper",
        "message"]]

# %% [markdown]
# ## The KPIs per hour, with a band
# The band: the mean of the 24 hours before ± 3 standard deviations (from 6 hours of history on); points outside
# it are marked. It is the notebook's own, a quick look; the checks' bounds are in the next section.

# %%
fig, axes = plt.subplots(3, 1, figsize=(12, 9), sharex=True)
for ax, column in zip(axes, ["gmv", "orders", "pv"]):
    series = kpi[column]
    earlier = series.shift(1).rolling(24, min_periods=6)
    lower, upper = earlier.mean() - 3 * earlier.std(), earlier.mean() + 3 * earlier.std()
    # Matplotlib's own plot, not pandas': pandas may put a regular hourly series on period units of its own, where
    # the band and the points would not line up.
    ax.plot(series.index, series, color="black", label=column)
    ax.fill_between(series.index, lower.clip(lower=0), upper, color="tab:blue", alpha=0.2, label="mean ± 3σ of 24 h")
    outside = series[(series < lower) | (series > upper)]
    ax.plot(outside.index, outside, "o", color="red", zorder=3, label=f"outside ({len(outside)})")
    ax.set_ylabel(column)
    ax.legend(loc="upper left")
axes[0].set_title("Hourly KPIs (ads.kpi_hourly)")
axes[-1].set_xlabel("hour (UTC)")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## What the checks saw
# Per anomaly check, the metric at each run (the sum over the hours that run wrote) with the bounds the check
# accepted, when it could compute them; a red point is a run the check failed.

# %%
anomaly_checks = checks[checks.kind.isin(["holt-winters", "rate-of-change"])]
names = sorted(anomaly_checks.check.unique())
if not names:
    print("no anomaly check ran yet")
fig, axes = plt.subplots(len(names) or 1, 1, figsize=(12, 3 * max(len(names), 1)), squeeze=False)
for ax, name in zip(axes[:, 0], names):
    runs = anomaly_checks[anomaly_checks.check == name].set_index("logical_time")
    ax.plot(runs.index, runs.value, marker="o", color="black", label=runs.metric.iloc[0])
    bounded = runs.dropna(subset=["lower", "upper"])
    if not bounded.empty:
        ax.fill_between(bounded.index, bounded.lower, bounded.upper, color="tab:green", alpha=0.3, step="mid",
                        label="accepted")
    failed = runs[runs.status == "failed"]
    ax.plot(failed.index, failed.value, "o", color="red", zorder=3, label="failed")
    ax.set_title(f"{name} ({runs.kind.iloc[0]}): {', '.join(f'{s} {n}' for s, n in runs.status.value_counts().items())}")
    ax.legend(loc="upper left")
plt.tight_layout()
plt.show()

# %% [markdown]
# The history the last report carries for each anomaly check (the metric's earlier points, oldest first):

# %%
last = anomaly_checks.sort_values("logical_time").groupby("check").tail(1)
history = pd.DataFrame([{"check": row.check, "time": pd.Timestamp(point["time"]), "value": point["value"]}
                        for row in last.itertuples() for point in row.history])
if history.empty:
    print("no history yet")
else:
    history.pivot(index="time", columns="check", values="value").plot(marker=".", figsize=(12, 3),
                                                                      title="Metric history in the last reports")
    plt.show()
