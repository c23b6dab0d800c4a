"""
China's domestic value added in exports, 1995-2011 (KWW on WIOD)
================================================================

Gross exports count every border crossing of every component: a phone
assembled in China from imported chips is exported at its full value. The
Koopman-Wang-Wei (2014) decomposition splits each country's gross exports into
nine terms by whose value added they carry and where it ends up:

* value added exports (``DVA_FIN``, ``DVA_INT``, ``DVA_INTrex``): Chinese value
  added absorbed abroad, in final goods, in intermediates the importer
  absorbs, and in intermediates re-exported to third countries;
* value added that returns home (``RDV_FIN``, ``RDV_INT``) and domestic double
  counting (``DDC``);
* foreign value added (``FVA_FIN``, ``FVA_INT``) and foreign double counting
  (``FDC``).

:func:`iocirc.mrio.kww` computes them on any multi-regional table; here on the
World Input-Output Database (2013 release, 41 regions x 35 industries) for
every year. The tables come from the public repository ``bquast/wiod``
(downloaded once and cached); with ``IOCIRC_WIOD_DATA`` pointing at a local
copy the example runs offline. Run it with ``python examples/wiod_kww_china.py``.
"""

# iocirc-docs: needs-wiod

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from iocirc.datasets import wiod2013
from iocirc.mrio import kww

YEARS = range(1995, 2012)
COMPARE = {"CHN": "China", "USA": "United States", "DEU": "Germany", "JPN": "Japan",
           "KOR": "Korea", "MEX": "Mexico"}  # fmt: skip

# %%
# The nine terms, every year
# --------------------------
#
# ``kww`` returns the terms of each exporter (``terms``, over ``region`` and
# ``term``), its gross exports, and ``residual``: the part of the last term
# (``FDC``, a remainder as in decompr) due to WIOD's rounding residuals, which
# stays small against exports of hundreds of billions.

frames = []
for year in YEARS:
    res = kww(wiod2013(year))
    terms = res["terms"].sel(region=list(COMPARE)).to_pandas()
    terms["gross_exports"] = res["gross_exports"].sel(region=list(COMPARE)).to_pandas()
    terms["residual"] = res["residual"].sel(region=list(COMPARE)).to_pandas()
    frames.append(terms.assign(year=year))
kww_terms = pd.concat(frames).reset_index().set_index(["region", "year"])
china = kww_terms.loc["CHN"]
print((china[["gross_exports", "DVA_FIN", "DVA_INT", "DVA_INTrex", "FVA_FIN", "FVA_INT",
              "residual"]] / 1e3).round(1).to_string())  # fmt: skip

# %%
# Shares of China's gross exports
# -------------------------------
#
# Value added exports are the domestic value added absorbed abroad; with the
# returned value added and the domestic double counting they make the domestic
# content. The foreign share rose after China's WTO accession (2001) to a
# plateau in 2004-2007, dropped in the 2009 trade collapse and stayed below
# that plateau. WIOD does not separate processing trade, so China's domestic
# content here is higher than in KWW's own estimates, which do.

groups = {
    "DVA in final goods": ["DVA_FIN"],
    "DVA in intermediates (absorbed by the importer)": ["DVA_INT"],
    "DVA in re-exported intermediates": ["DVA_INTrex"],
    "returned DVA and domestic double counting": ["RDV_FIN", "RDV_INT", "DDC"],
    "foreign value added": ["FVA_FIN", "FVA_INT"],
    "foreign double counting": ["FDC"],
}
shares = pd.DataFrame(
    {name: china[cols].sum(axis=1) / china["gross_exports"] for name, cols in groups.items()}
)
domestic_cols = ["DVA_FIN", "DVA_INT", "DVA_INTrex", "RDV_FIN", "RDV_INT", "DDC"]
dva_share = (kww_terms[domestic_cols].sum(axis=1) / kww_terms["gross_exports"]).unstack("region")

fig, axes = plt.subplots(1, 2, figsize=(12, 4.8), layout="constrained")
colours = ["#1f4e79", "#2e75b6", "#9dc3e6", "#a9d18e", "#f4b183", "#c55a11"]
axes[0].stackplot(shares.index, shares.T.values, labels=shares.columns, colors=colours)
axes[0].set_xlim(1995, 2011)
axes[0].set_ylim(0, 1)
axes[0].set_ylabel("share of gross exports")
axes[0].set_title("China: gross exports by KWW term")
axes[0].legend(loc="lower left", fontsize=7.5, frameon=True)
for k, (code, name) in enumerate(COMPARE.items()):
    colour = "black" if code == "CHN" else plt.get_cmap("tab10")(k)
    width = 2.6 if code == "CHN" else 1.5
    axes[1].plot(dva_share.index, dva_share[code], lw=width, color=colour, label=name)
axes[1].set_xlim(1995, 2011)
axes[1].set_ylabel("domestic content / gross exports")
axes[1].set_title("Domestic content of gross exports")
axes[1].legend(fontsize=8, frameon=False)
axes[1].grid(alpha=0.3)
for ax in axes:
    ax.set_xticks(np.arange(1995, 2012, 4))
    ax.set_xlabel("year")
fig.suptitle("Koopman-Wang-Wei decomposition on WIOD (2013 release)")
plt.show()
