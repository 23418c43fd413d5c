# %% [markdown]
# # Marketing: GMV, buyers and coupon cost per campaign and hour
#
# Reads `ads.marketing_hourly` (conf/jobs/reference/ads.conf), one row per campaign and hour: orders, GMV
# (orders paid, shipped or delivered), coupon cost, buyers, and new (signed up less than 30 days before the order)
# and returning buyers. Orders without a campaign are not in it (the spec joins the campaigns). The warehouse is
# `$LAKEPIPE_WAREHOUSE` (see README.md).

# %%
import matplotlib.pyplot as plt
import pandas as pd

import lakepipe_nb as nb

hourly = nb.load("marketing")["hourly"]
print(f"{len(hourly)} rows, {hourly.campaign_id.nunique()} campaigns,"
      f" {hourly.order_hour.min():%Y-%m-%d %H:%M} to {hourly.order_hour.max():%Y-%m-%d %H:%M} UTC")
assert not hourly.empty, "ads.marketing_hourly is empty"

# %% [markdown]
# ## Campaigns at a glance

# %%
campaigns = (hourly.groupby(["campaign_id", "campaign_name", "channel"], as_index=False)
             [["orders", "gmv", "coupon_cost", "buyers", "new_buyers", "returning_buyers"]].sum()
             .sort_values("gmv", ascending=False))
campaigns["coupon_share_of_gmv"] = (campaigns.coupon_cost / campaigns.gmv).round(4)
campaigns

# %% [markdown]
# ## Hourly GMV per campaign
# The five campaigns with the most GMV, the rest together.

# %%
top = campaigns.campaign_name.head(5).tolist()
by_campaign = (hourly.assign(campaign=hourly.campaign_name.where(hourly.campaign_name.isin(top), "other"))
               .pivot_table(index="order_hour", columns="campaign", values="gmv", aggfunc="sum", fill_value=0))
ax = by_campaign.plot.area(figsize=(12, 4), linewidth=0, title="GMV per hour and campaign")
ax.set_xlabel("hour (UTC)")
ax.set_ylabel("GMV")
plt.show()

# %% [markdown]
# ## New and returning buyers per hour
# Buyers are counted per campaign and hour, so a buyer active in two campaigns counts twice here.

# %%
buyers = hourly.groupby("order_hour")[["new_buyers", "returning_buyers"]].sum()
ax = buyers.plot.bar(stacked=True, figsize=(12, 4), width=0.9, title="Buyers per hour: new vs returning")
ax.set_xticklabels([f"{t:%m-%d %H}h" for t in buyers.index], rotation=90, fontsize=7)
ax.set_xlabel("hour (UTC)")
plt.show()
print(f"new buyers: {buyers.new_buyers.sum() / buyers.sum().sum():.1%} of buyer-hours")

# %% [markdown]
# ## Coupon cost
# What the coupons cost per campaign, and as a share of the GMV they came with; per channel and hour below.

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4))
campaigns.head(10).plot.barh(x="campaign_name", y="coupon_cost", ax=left, legend=False,
                             title="Coupon cost, top 10 campaigns by GMV")
left.invert_yaxis()
by_channel = hourly.groupby(["order_hour", "channel"])[["coupon_cost", "gmv"]].sum().reset_index()
share = by_channel.assign(share=by_channel.coupon_cost / by_channel.gmv.where(by_channel.gmv > 0)) \
    .pivot(index="order_hour", columns="channel", values="share")
share.plot(ax=right, title="Coupon cost / GMV per hour and channel", marker=".")
right.set_xlabel("hour (UTC)")
plt.tight_layout()
plt.show()
