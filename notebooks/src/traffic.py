# %% [markdown]
# # Traffic: page views, visitors and the funnel
#
# Reads `ads.traffic_hourly` (conf/jobs/reference/ads.conf), one row per shop and hour: PV, UV, sessions
# and the sessions that reached the cart, an order and the payment, with their rates. A session's hour is the
# hour of its first page view.

# %%
import matplotlib.pyplot as plt
import pandas as pd

import lakepipe_nb as nb

traffic = nb.load("traffic")["hourly"]
print(f"{len(traffic)} rows, {traffic.shop_id.nunique()} shops,"
      f" {traffic.session_hour.min():%Y-%m-%d %H:%M} to {traffic.session_hour.max():%Y-%m-%d %H:%M} UTC")
assert not traffic.empty, "ads.traffic_hourly is empty"

# %% [markdown]
# ## PV and UV per hour
# UV is counted per shop and hour; summed over shops, a visitor of two shops counts twice.

# %%
hourly = traffic.groupby("session_hour")[["pv", "uv", "sessions"]].sum()
fig, ax = plt.subplots(figsize=(12, 4))
hourly.pv.plot(ax=ax, label="PV", color="tab:blue")
ax.set_ylabel("page views")
other = ax.twinx()
hourly.uv.plot(ax=other, label="UV (sum over shops)", color="tab:orange")
other.set_ylabel("visitors")
fig.legend(loc="upper left")
ax.set_title("Page views and visitors per hour")
ax.set_xlabel("hour (UTC)")
plt.show()

# %% [markdown]
# ## The funnel: view → cart → order → pay

# %%
funnel = pd.Series({"view": traffic.sessions.sum(), "cart": traffic.cart_sessions.sum(),
                    "order": traffic.order_sessions.sum(), "pay": traffic.pay_sessions.sum()})
ax = funnel.plot.barh(figsize=(8, 3), color=["#4c72b0", "#55a868", "#c44e52", "#8172b2"], title="Sessions reaching each step")
ax.invert_yaxis()
for i, (step, n) in enumerate(funnel.items()):
    ax.text(n, i, f"  {n:,}  ({n / funnel['view']:.1%} of sessions)", va="center")
ax.set_xlim(0, funnel.max() * 1.45)
plt.show()
step_rates = (funnel / funnel.shift(1)).dropna().rename("of the step before")
step_rates.map("{:.1%}".format)

# %% [markdown]
# ## Conversion per hour and per shop

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4))
rates = traffic.groupby("session_hour")[["sessions", "cart_sessions", "order_sessions", "pay_sessions"]].sum()
for step in ["cart", "order", "pay"]:
    (rates[f"{step}_sessions"] / rates.sessions).plot(ax=left, label=f"reached {step}")
left.set_title("Share of sessions per hour")
left.set_xlabel("hour (UTC)")
left.legend()
shops = traffic.groupby("shop_name")[["sessions", "pay_sessions"]].sum()
shops["conversion"] = shops.pay_sessions / shops.sessions
shops.sort_values("conversion").conversion.plot.barh(ax=right, title="Conversion (pay / sessions) per shop")
plt.tight_layout()
plt.show()
