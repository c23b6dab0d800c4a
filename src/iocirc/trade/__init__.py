"""Trade data: customs statistics, interprovincial freight and trade by partner country.

What is where:

- :mod:`iocirc.trade.customs`: :func:`~iocirc.trade.customs.with_customs_trade`
  (a table's foreign trade replaced by customs figures, the gross flows kept),
  :func:`~iocirc.trade.customs.usd_to_cny` (US dollars to yuan at annual
  rates) and :func:`~iocirc.trade.customs.read_customs_csv`;
- :mod:`iocirc.trade.freight`: shares of a group of provinces in
  interprovincial freight and its integration level, from an origin-destination
  array (:func:`~iocirc.trade.freight.read_freight_csv` reads one);
- :mod:`iocirc.trade.partners`: foreign trade by partner country, totals and
  shares of groups of partners (:data:`~iocirc.trade.partners.NORTHEAST_ASIA`
  as the paper counts it), :func:`~iocirc.trade.partners.read_partner_trade_csv`.

Every trade CSV reader reads through one private reader
(``iocirc.trade._csv``): a file it cannot use is refused with a
:class:`~iocirc.errors.ReadError` naming the file, the line and the column.
Every name here is also a name of its submodule; the functions are at the top
level too (``iocirc.with_customs_trade``, ``iocirc.read_freight_csv``, ...).
The modules ``iocirc.customs``, ``iocirc.freight`` and ``iocirc.partners`` of
iocirc 0.1 are deprecated aliases of these.
"""

from iocirc.trade import customs, freight, partners
from iocirc.trade.customs import read_customs_csv, usd_to_cny, with_customs_trade
from iocirc.trade.freight import (
    freight_domestic_share,
    freight_integration_level,
    freight_outflow_share,
    freight_receipt_share,
    read_freight_csv,
)
from iocirc.trade.partners import (
    NORTHEAST_ASIA,
    PARTNER_GROUPS,
    partner_group_share,
    partner_group_totals,
    read_partner_trade_csv,
)

__all__ = [
    "NORTHEAST_ASIA",
    "PARTNER_GROUPS",
    "customs",
    "freight",
    "freight_domestic_share",
    "freight_integration_level",
    "freight_outflow_share",
    "freight_receipt_share",
    "partner_group_share",
    "partner_group_totals",
    "partners",
    "read_customs_csv",
    "read_freight_csv",
    "read_partner_trade_csv",
    "usd_to_cny",
    "with_customs_trade",
]


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
