"""Input-output analysis of regional tables: the demand-driven and supply-driven models.

Each region's table is a single-region table with *competitive* imports: the
imports and inflows of a product are recorded in one column, not split by the
sector or final use that absorbs them. This module turns such tables into the
Leontief (demand-driven) and Ghosh (supply-driven) models, their multipliers
and linkages, and the decomposition of value added (GDP) by the source of
final demand that induces it through the supply chain.

Two models
----------
``kind="total"``
    Technical coefficients :math:`A = Z \\hat{x}^{-1}`: inputs of a product
    whatever its origin. The Leontief inverse :math:`(I - A)^{-1}` then counts
    production outside the region as if it were local; the demand it
    reproduces output from is final use net of imports and inflows.
``kind="local"`` (default)
    Local (regional) coefficients :math:`A^l = (I - \\hat{m}) A`: the part of
    the inputs supplied from within the region, with :math:`m_i` the share of
    product *i* supplied from outside (imports and inflows), see
    :func:`outside_supply_share`. The matching local final demand is
    :math:`f^l = \\sum_s f^l_s` over the sources of final demand *s*, and

    .. math:: x = (I - A^l)^{-1} f^l, \\qquad
              \\mathrm{GDP} = \\sum_s v' (I - A^l)^{-1} f^l_s

    hold exactly, with :math:`v_j = \\mathrm{VA}_j / x_j`.

Sources of final demand
-----------------------
``consumption`` (household and government), ``capital_formation`` (fixed and
inventories), ``export``, ``domestic_outflow`` (to other provinces), ``other``
(the discrepancy column). A table with gross flows only (2007) has the source
``gross_outflow`` in place of ``export`` and ``domestic_outflow``. With
``kind="total"`` the supplies from outside are sources too, with negative
values (``import``, ``domestic_inflow`` or ``gross_inflow``), and a net-outflow
table (2002) has the source ``net_outflow``.

Conventions for the share supplied from outside
-----------------------------------------------
``convention="total_use"`` (default)
    Imports and inflows supply every use of a product in proportion, exports
    and outflows included:
    :math:`m_i = (M_i + N_i) / (d_i + e_i + o_i)` with local use
    :math:`d_i = \\sum_j Z_{ij} + c_i + k_i`. Since
    :math:`d_i + e_i + o_i = x_i + M_i + N_i - r_i`, :math:`m_i` lies in
    [0, 1] wherever output exceeds the discrepancy column :math:`r_i`. The
    local part of every use is :math:`(1 - m_i)` of it, exports and outflows
    included.
``convention="local_use"``
    Imports and inflows supply local use only:
    :math:`m_i = (M_i + N_i) / d_i`; exports and outflows are wholly local.
    Re-exports and transit, which the provincial tables record as both inflow
    and outflow, push :math:`m_i` above 1 (in the official tables, in 134 of
    the 1,302 province-sectors of 2017, 105 of 2012 and 33 of the 1,260 of
    2007) and make local coefficients negative there.

The default is ``"total_use"`` because it stays meaningful on the official
tables: goods in transit, recorded as inflow and outflow, are treated as
supplied from outside, as they are, and local coefficients stay non-negative
wherever output exceeds the discrepancy column. Its cost is an assumption:
exports and outflows contain as much imported product as local uses do.
``"local_use"`` assumes they contain none, which overstates the local content of
outward flows where re-exports are large. Both conventions satisfy the
identities above exactly. When a convention yields :math:`m_i` outside
[0, 1] a :class:`~iocirc.errors.ConventionWarning` names the region and sector
(with a tolerance, ``SHARE_TOLERANCE = 1e-5``: in the official 2012 tables,
products without output carry discrepancies of a few thousand yuan that put
:math:`m_i` a few millionths above 1 under either convention).

Where the denominator of :math:`m_i` is zero, :math:`m_i = 0`; supplies from
outside that then have no use to supply (re-exported goods without local use
under ``"local_use"``) are charged to the ``other`` source, with a warning, so
the identities still hold.

Zero output
-----------
Where :math:`x_j = 0`, column *j* of :math:`A` (row *j* of the allocation
coefficients :math:`B`) and :math:`v_j` are defined as 0: the sector neither
buys inputs nor generates value added per unit of output.

The model as an object
----------------------
:func:`model` checks a table and builds its model once; the immutable :class:`Model` it
returns has the functions below as methods (``m = analysis.model(ds); m.output(f);
m.multipliers(); m.induced(); m.inverse(); m.linkages()``), and each function is a
one-line wrapper over one of them.

All functions take a table (see :mod:`iocirc.schema`) and return new
:class:`xarray.DataArray` or :class:`xarray.Dataset` objects; they keep extra
dimensions (``year``, ``scenario``) and work lazily on dask-backed tables (see
below). They check the
table's structure and values, not its balance (call :func:`iocirc.validate` for
that): NaN where the schema does not allow it, infinite values, negative output,
units that differ between variables and duplicated labels are a
:class:`~iocirc.errors.SchemaError` or :class:`~iocirc.errors.UnitError` naming
the cell (on dask data, when the result is computed). A system that is singular
or not productive (a non-negative coefficient matrix with spectral radius 1 or
more) is a :class:`~iocirc.errors.ModelError` naming the region; one whose
reciprocal condition number is below ``1e-10`` gives a
:class:`~iocirc.errors.ConditioningWarning`.
Linear systems are solved by LU factorisation (LAPACK), never through an inverse,
which only :func:`leontief_inverse` and :func:`ghosh_inverse` form. Tables of fewer than
128 sectors, as the provincial tables are, are solved a slab of regions
at a time by numpy's stacked :func:`numpy.linalg.solve` and :func:`numpy.linalg.inv`: one
C loop that releases the GIL, so dask's threads work in parallel. Larger systems are
factorised one at a time, the factors shared by all the solves of the call.

Dask-backed tables
------------------
On a table chunked along ``region`` (and extra dimensions such as ``year``) nothing is
computed when a function is called: the result is a graph of a few fused steps per chunk
(the value checks, the shares, the batched solves of the chunk's regions), with the
table's chunks kept (no rechunking), so that memory stays within a few chunks however long
the panel. Each step costs dask a fraction of a millisecond: chunks of a few hundred
regions (a few MB) make that negligible, chunks of 100 regions of 42 sectors about double
the time. What numpy tables report at the call comes when the result
is computed, for the chunk concerned: the :class:`~iocirc.errors.SchemaError` for NaN,
infinite or negative values (bad input is refused, never computed on), the
:class:`~iocirc.errors.ConventionWarning` for shares outside [0, 1] (one per chunk, counting
that chunk's region-sectors), a :class:`~iocirc.errors.ModelError` for a singular system
and the :class:`~iocirc.errors.MissingFlowError` of the local model for regions reporting
only a net outflow. Which flows each region reports (NaN) is known only then too, so the
results list every source of final demand the table's flows can give: a source no region
reports is NaN throughout (a numpy table leaves it out), and ``other`` is listed whenever
supplies may be charged to it.
"""

from __future__ import annotations

from iocirc.analysis import _model
from iocirc.analysis._coefficients import (
    allocation_coefficients,
    local_coefficients,
    outside_supply_share,
    technical_coefficients,
)
from iocirc.analysis._extraction import hypothetical_extraction
from iocirc.analysis._ghosh import ghosh_inverse, ghosh_output
from iocirc.analysis._leontief import (
    circulation_value_added_share,
    final_demand_by_source,
    induced_effects,
    leontief_inverse,
    leontief_output,
    output_by_demand_source,
    output_multipliers,
    value_added_by_demand_source,
    value_added_multipliers,
)
from iocirc.analysis._linkages import backward_linkages, forward_linkages, linkages
from iocirc.analysis._model import Convention
from iocirc.analysis._model import Kind as Kind  # re-exported, as before the split
from iocirc.analysis._object import Model, model

__all__ = [
    "CONVENTIONS",
    "DEFAULT_CONVENTION",
    "SOURCES",
    "Model",
    "allocation_coefficients",
    "backward_linkages",
    "circulation_value_added_share",
    "final_demand_by_source",
    "forward_linkages",
    "ghosh_inverse",
    "ghosh_output",
    "hypothetical_extraction",
    "induced_effects",
    "leontief_inverse",
    "leontief_output",
    "linkages",
    "local_coefficients",
    "model",
    "output_by_demand_source",
    "output_multipliers",
    "outside_supply_share",
    "technical_coefficients",
    "value_added_by_demand_source",
    "value_added_multipliers",
]

# The constants are defined in _model, which uses them; they are bound here again so that
# their documentation comments (#:) are where autodoc looks for them.

#: The conventions for the share of a product supplied from outside the region.
CONVENTIONS: tuple[str, ...] = _model.CONVENTIONS
#: The default convention (see the module documentation for why).
DEFAULT_CONVENTION: Convention = _model.DEFAULT_CONVENTION

#: Shares supplied from outside within this distance of [0, 1] do not warn (rounding).
SHARE_TOLERANCE = _model.SHARE_TOLERANCE

#: Sources of final demand, in the order results list them.
SOURCES: tuple[str, ...] = _model.SOURCES


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
