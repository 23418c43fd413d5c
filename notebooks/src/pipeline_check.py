# %% [markdown]
# # Checking the pipeline's output by hand
#
# Three looks at the reference warehouse: the rows of every table layer by layer, one ADS target against the raw
# tables by a query written here (not the specs' SQL), and the quality reports of the last runs.

# %%
import matplotlib.pyplot as plt
import pandas as pd

import lakepipe_nb as nb

data = nb.load("pipeline_check")
counts = data["row_counts"]
print(f"warehouse: {nb.warehouse()}")
counts.pivot_table(index="table_name", columns="layer", values="row_count")[["raw", "ods", "dwd", "dws", "ads"]]

# %% [markdown]
# ## Rows per layer
# ODS keeps every raw row that is valid; DWD joins orders into one wide row per order and page views into sessions;
# DWS and ADS aggregate.

# %%
layers = ["raw", "ods", "dwd", "dws", "ads"]
fig, ax = plt.subplots(figsize=(12, 4))
ordered = counts.assign(layer=pd.Categorical(counts.layer, layers, ordered=True)).sort_values(["layer", "table_name"])
colors = {layer: color for layer, color in zip(layers, plt.cm.tab10.colors)}
ax.bar([f"{r.layer}.{r.table_name}" for r in ordered.itertuples()], ordered.row_count,
       color=[colors[layer] for layer in ordered.layer])
ax.set_yscale("log")
ax.set_ylabel("rows (log)")
ax.tick_params(axis="x", rotation=70)
ax.set_title("Rows per table, layer by layer")
plt.show()
by_name = counts.set_index(["layer", "table_name"]).row_count
assert (counts.row_count > 0).all(), f"empty tables: {counts[counts.row_count == 0]}"
assert by_name["ods", "orders"] <= by_name["raw", "orders"], "ODS has more orders than raw"
assert by_name["dwd", "order_detail"] == by_name["ods", "orders"], "the wide table has not one row per order"

# %% [markdown]
# ## A target against its sources: ads.kpi_hourly recomputed from the raw tables
# `pipeline_check.kpi_vs_raw.sql` recomputes GMV, orders and page views per hour from `raw.orders` and
# `raw.page_views` directly. The hours must agree: a difference is a bug in a layer's SQL or in an incremental run.

# %%
compare = data["kpi_vs_raw"].set_index("hour")
differ = compare[((compare.ads_gmv.fillna(-1) - compare.raw_gmv.fillna(-1)).abs() > 0.005)
                 | (compare.ads_orders.fillna(-1) != compare.raw_orders.fillna(-1))
                 | (compare.ads_pv.fillna(-1) != compare.raw_pv.fillna(-1))]
fig, ax = plt.subplots(figsize=(12, 3))
compare.raw_gmv.plot(ax=ax, linewidth=4, alpha=0.4, label="from raw (this notebook)")
compare.ads_gmv.plot(ax=ax, color="black", linewidth=1, label="ads.kpi_hourly")
ax.set_title(f"Hourly GMV: {len(compare) - len(differ)} of {len(compare)} hours agree")
ax.legend()
plt.show()
print(f"{len(differ)} hours differ")
differ

# %%
assert differ.empty, f"ads.kpi_hourly differs from the raw tables in {len(differ)} hours"

# %% [markdown]
# ## The quality reports
# Every run writes one report per target (`<warehouse>/_lakepipe/quality/<pipeline>/reports/`): its outcome, rows
# written and quarantined, and each check's status. The last run of each pipeline, then the checks that did not
# pass in any run.

# %%
reports = nb.quality_reports()
runs = reports.drop_duplicates(["pipeline", "target", "run_id"])
latest = runs.sort_values("logical_time").groupby(["pipeline", "target"]).tail(1)
print(f"{runs.run_id.nunique()} runs, {len(runs)} target reports; outcomes: {runs.outcome.value_counts().to_dict()}")
latest[["pipeline", "target", "logical_time", "outcome", "rows_in", "rows_written", "rows_quarantined"]]

# %%
statuses = reports.dropna(subset=["check"]).groupby(["pipeline", "status"]).size().unstack(fill_value=0)
statuses.plot.barh(stacked=True, figsize=(10, 3), title="Check results over all runs")
plt.show()
not_passed = reports[reports.status.notna() & (reports.status != "passed")]
not_passed[["pipeline", "target", "logical_time", "check", "kind", "level", "status", "message"]]
