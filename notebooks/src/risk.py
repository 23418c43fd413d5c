# %% [markdown]
# # Risk: flags over time
#
# Reads `ads.risk_flags` (conf/jobs/reference/ads.conf): per day, the users, devices and addresses with 3 or
# more orders or 2 or more failed payments, and the shops with 5 or more orders of which a fifth or more were
# refunded; and per day the orders of `dwd.order_detail`, to put the flags in proportion.

# %%
import matplotlib.pyplot as plt
import pandas as pd

import lakepipe_nb as nb

data = nb.load("risk")
flags, days = data["flags"], data["daily_orders"]
print(f"{len(flags)} flags over {flags.flag_date.nunique()} days; {days.orders.sum()} orders")
flags.groupby(["subject_kind", "reason"]).size().rename("flags").to_frame()

# %% [markdown]
# ## Flags per day, by kind of subject and by reason

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4), sharey=True)
by_kind = flags.groupby(["flag_date", "subject_kind"]).size().unstack(fill_value=0)
by_kind.index = by_kind.index.strftime("%Y-%m-%d")
by_kind.plot.bar(stacked=True, ax=left, title="Flags per day and subject")
by_reason = flags.groupby(["flag_date", "reason"]).size().unstack(fill_value=0)
by_reason.index = by_reason.index.strftime("%Y-%m-%d")
by_reason.plot.bar(stacked=True, ax=right, title="Flags per day and reason")
left.set_ylabel("flags")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Flags in proportion: flagged users per 1,000 ordering users, failed payments per order

# %%
users_flagged = flags[flags.subject_kind == "user"].groupby("flag_date").size()
ratio = days.set_index("order_date").assign(
    flagged_users_per_1000=lambda d: 1000 * users_flagged.reindex(d.index, fill_value=0) / d.users,
    failed_payments_per_order=lambda d: d.failed_payments / d.orders,
    refunded_share=lambda d: d.refunded_orders / d.orders)
ratio[["flagged_users_per_1000", "failed_payments_per_order", "refunded_share"]].plot(
    subplots=True, marker="o", figsize=(10, 6), title="Per day")
plt.tight_layout()
plt.show()
ratio

# %% [markdown]
# ## Who is flagged most
# Subjects flagged on the most days, then with the most orders; shops with their refund rates.

# %%
repeat = (flags.groupby(["subject_kind", "subject"])
          .agg(days_flagged=("flag_date", "nunique"), orders=("orders", "sum"),
               failed_payments=("failed_payments", "sum"), reasons=("reason", lambda r: ", ".join(sorted(set(r)))))
          .sort_values(["days_flagged", "orders"], ascending=False))
shops = flags[flags.subject_kind == "shop"]
if not shops.empty:
    ax = shops.pivot_table(index="flag_date", columns="subject", values="refund_rate").plot(
        marker="o", figsize=(10, 3), title="Refund rate of the flagged shops")
    ax.set_ylim(0, 1)
    plt.show()
repeat.head(15)
