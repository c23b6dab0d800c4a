"""
The EU as a nation: domestic and international circulation in WIOD
===================================================================

The provinces of China are studied through their *domestic* circulation (trade
with the other provinces) and their *international* circulation (foreign
trade). The same view fits the European Union: take the world input-output
table of the World Input-Output Database (2013 release, 41 regions x 35
industries, 1995-2011), call the 27 EU members "the nation", and look at each
member as a province. Its trade with the other members is then its domestic
circulation, its trade with the rest of the world the international one:

* domestic circulation ratio = (sales to other EU members + purchases from
  them) / GDP;
* international circulation ratio = (exports + imports outside the EU) / GDP,

with intermediate and final products alike, and GDP the member's value added.
:func:`iocirc.mrio.to_single_region` turns the multi-regional table into one
single-region table per member, and :func:`iocirc.circulation_ratio` reads it
as it reads the provincial tables.

The tables come from the public repository ``bquast/wiod`` (downloaded once
and cached, about 9 MB for all years); with ``IOCIRC_WIOD_DATA`` pointing at a
local copy the example runs offline. Run it with
``python examples/wiod_eu_circulation.py``.
"""

# iocirc-docs: needs-wiod

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import iocirc
from iocirc.datasets import WIOD_EU27, wiod2013
from iocirc.mrio import to_single_region

YEARS = range(1995, 2012)
HIGHLIGHT = {"DEU": "Germany", "FRA": "France", "GBR": "United Kingdom", "POL": "Poland",
             "IRL": "Ireland", "LUX": "Luxembourg"}  # fmt: skip

# %%
# One table per year; the single-region view of its 27 members
# -------------------------------------------------------------
#
# ``wiod2013(year, nation=WIOD_EU27)`` flags the members in the table's
# ``in_nation`` coordinate, which ``to_single_region`` takes as the nation.

rows = []
for year in YEARS:
    view = to_single_region(wiod2013(year, nation=WIOD_EU27))
    gdp = iocirc.gdp(view)
    for scope in ("domestic", "international"):
        ratio = iocirc.circulation_ratio(view, scope)
        # the EU as a whole: the members' turnover over their GDP (GDP-weighted mean)
        eu = float((ratio * gdp).sum() / gdp.sum())
        rows += [
            (year, scope, str(r), float(v))
            for r, v in zip(ratio.region.values, ratio.values, strict=True)
        ]
        rows.append((year, scope, "EU27", eu))
ratios = pd.DataFrame(rows, columns=["year", "scope", "region", "ratio"])
table = ratios.pivot_table(index=["scope", "region"], columns="year", values="ratio")
print(table.loc["domestic"].loc[["EU27", *HIGHLIGHT]].round(2).to_string())

# %%
# Domestic and international circulation, 1995-2011
# ---------------------------------------------------
#
# Thin grey lines are the members, coloured lines a few of them, the black
# line the EU as a whole (the members' trade turnover over their GDP: intra-EU
# trade counted from both sides, as a province's outflow and inflow are).

fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharey=True, layout="constrained")
colours = plt.get_cmap("tab10")
for ax, scope, title in zip(
    axes,
    ("domestic", "international"),
    ("Domestic (intra-EU) circulation ratio", "International (extra-EU) circulation ratio"),
    strict=True,
):
    part = table.loc[scope]
    for region in WIOD_EU27:
        if region not in HIGHLIGHT:
            ax.plot(part.columns, part.loc[region], color="0.8", lw=0.8, zorder=1)
    for k, (region, name) in enumerate(HIGHLIGHT.items()):
        ax.plot(part.columns, part.loc[region], color=colours(k), lw=1.6, label=name, zorder=2)
    ax.plot(part.columns, part.loc["EU27"], color="black", lw=2.6, label="EU27 (GDP-weighted)",
            zorder=3)  # fmt: skip
    ax.set_title(title)
    ax.set_xlabel("year")
    ax.set_xticks(np.arange(1995, 2012, 4))
    ax.grid(alpha=0.3)
axes[0].set_ylabel("(outflow + inflow) / GDP")
axes[1].legend(loc="upper left", fontsize=8, frameon=False)
fig.suptitle("EU members as provinces of a nation: circulation ratios from WIOD (2013 release)")

# %%
# 2011: every member
# ------------------
#
# Members sorted by their domestic ratio: small open economies at the top,
# the large economies and the periphery at the bottom; Ireland and Luxembourg
# are the members whose trade outside the EU outweighs their trade inside it.

last = ratios[ratios.year == 2011].pivot(index="region", columns="scope", values="ratio")
last = last.drop("EU27").sort_values("domestic")
fig, ax = plt.subplots(figsize=(11, 4.2), layout="constrained")
positions = np.arange(len(last))
ax.bar(positions - 0.2, last["domestic"], width=0.4, label="domestic (intra-EU)", color="C0")
ax.bar(positions + 0.2, last["international"], width=0.4, label="international (extra-EU)",
       color="C1")  # fmt: skip
ax.set_xticks(positions, last.index, rotation=90)
ax.set_ylabel("(outflow + inflow) / GDP")
ax.set_title("Circulation ratios of the EU members, 2011")
ax.legend(frameon=False)
ax.grid(axis="y", alpha=0.3)
plt.show()
