# %% [markdown]
# # Logistics: shipping within 48 hours, delivery delays, late shipments
#
# Reads `ads.logistics_daily` (per ship date, carrier and region) and, for the distributions, each shipped
# order of `dwd.order_detail`: hours from order to shipping, and the delivery's delay against its promise.

# %%
import matplotlib.pyplot as plt
import pandas as pd

import lakepipe_nb as nb

data = nb.load("logistics")
daily, shipments = data["daily"], data["shipments"]
print(f"{daily.shipments.sum()} shipments in ads.logistics_daily, {len(shipments)} shipped orders in dwd.order_detail,"
      f" carriers {sorted(daily.carrier.unique())}")
assert not daily.empty and not shipments.empty, "no shipments"
assert daily.shipments.sum() == len(shipments), "ads.logistics_daily does not count the shipped orders"

# %% [markdown]
# ## Ship-within-48h rate per day and carrier

# %%
per_day = daily.groupby(["ship_date", "carrier"])[["shipped_within_48h", "shipments"]].sum()
rate = (per_day.shipped_within_48h / per_day.shipments).unstack("carrier")
overall = daily.groupby("ship_date")[["shipped_within_48h", "shipments"]].sum()
ax = rate.plot(marker="o", figsize=(10, 4), title="Shipped within 48 h of the order")
(overall.shipped_within_48h / overall.shipments).plot(ax=ax, color="black", linewidth=3, label="all carriers")
ax.set_ylim(0, 1.05)
ax.set_xlabel("ship date")
ax.legend()
plt.show()

# %% [markdown]
# ## Delay distributions
# Left: hours from order to shipping. Right: delivered minus promised, in hours (negative: early), per carrier.

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4))
shipments.hours_to_ship.plot.hist(ax=left, bins=30, title="Hours from order to shipping")
left.axvline(48, color="red", linestyle="--", label="48 h")
left.legend()
delivered = shipments.dropna(subset=["delivery_delay_hours"])
for carrier, group in delivered.groupby("carrier"):
    group.delivery_delay_hours.plot.hist(ax=right, bins=30, alpha=0.5, label=carrier)
right.axvline(0, color="black", linewidth=1)
right.set_title(f"Delivery delay against the promise (hours), {len(delivered)} delivered")
if not delivered.empty:
    right.legend()
plt.tight_layout()
plt.show()

buckets = daily.groupby("carrier")[["delivered_on_time", "delivered_late_1d", "delivered_late_3d",
                                    "delivered_late_more", "lost", "in_transit"]].sum()
ax = buckets.div(buckets.sum(axis=1), axis=0).plot.barh(stacked=True, figsize=(10, 3),
                                                         title="Outcome of shipments per carrier")
ax.legend(bbox_to_anchor=(1, 1))
plt.show()

# %% [markdown]
# ## Late shipments by carrier and region
# Late: delivered after the promise, or lost; as a share of the carrier's shipments to the region.

# %%
late = daily.groupby(["carrier", "region"])[["late_shipments", "shipments"]].sum()
late_rate = (late.late_shipments / late.shipments).unstack("region")
fig, ax = plt.subplots(figsize=(10, 3))
image = ax.imshow(late_rate.values, cmap="Reds", vmin=0, aspect="auto")
ax.set_xticks(range(len(late_rate.columns)), late_rate.columns, rotation=45)
ax.set_yticks(range(len(late_rate.index)), late_rate.index)
for (i, j), value in pd.DataFrame(late_rate.values).stack().items():
    ax.text(j, i, f"{value:.0%}", ha="center", va="center", fontsize=8)
fig.colorbar(image, ax=ax, label="late share")
ax.set_title("Late shipments by carrier and region")
plt.show()
late.assign(late_rate=(late.late_shipments / late.shipments).round(3)).sort_values("late_rate", ascending=False).head(10)
