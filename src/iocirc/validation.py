"""Checking a regional IO table: structure first, then the accounting identities.

Row identity, for every region and supplying sector ``i``::

    x_i = sum_j Z_ij + sum_f sign(f) * F_if

Column identity, for every region and using sector ``j``::

    x_j = sum_i Z_ij + sum_k V_kj

where each flow ``f`` and value-added component ``k`` enters once
(:func:`iocirc.schema.identity_terms`). The identities themselves are written
once, in the core (``iocirc._core.identities``), for this module, the
multi-regional validator and the readers.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
import xarray as xr

from iocirc import _core
from iocirc._core import DEFAULT_RTOL, PRINTED_RTOL, check_choice, check_table, moved
from iocirc._core.docs import fill_doc
from iocirc.schema import VARIABLES

__all__ = ["DEFAULT_RTOL", "PRINTED_RTOL", "balance_report", "validate"]

# Helpers that had public names in iocirc 0.1 and now live in the core.
__getattr__ = moved(
    __name__,
    {
        name: f"iocirc._core:{name}"
        for name in (
            "check_identities",
            "default_tolerances",
            "flow_weights",
            "identity_residuals",
            "row_accounted",
        )
    }
    | {"check_structure": "iocirc.validation:_check_structure"},
    # their new home is internal: say what public call does the job
    advice={
        "check_structure": "iocirc.validate(ds, on_imbalance='ignore')",
        "identity_residuals": "iocirc.balance_report(ds)",
        "check_identities": "iocirc.validate(ds)",
        "default_tolerances": "iocirc.validate(ds) (its rtol and atol defaults)",
        "flow_weights": "iocirc.schema.identity_terms and iocirc.schema.Member.sign",
        "row_accounted": "iocirc.balance_report(ds) (its 'accounted' column)",
    },
)


@fill_doc
def validate(
    ds: xr.Dataset,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    on_imbalance: Literal["raise", "warn", "ignore"] = "raise",
) -> xr.Dataset:
    """Check that ``ds`` is a well-formed, balanced regional IO table.

    Parameters
    ----------
    ds : xarray.Dataset
        The table (see :mod:`iocirc.schema`). Extra dimensions (``year``,
        ``scenario``, ...) on the variables are allowed and checked alike. A
        multi-regional table (:func:`iocirc.mrio.is_mrio`) is checked by
        :func:`iocirc.mrio.validate`.
    rtol : float, optional
        Tolerance of the identities, relative to the sum of the absolute
        values of the terms of each identity (so rounding in large sectors and
        exact zeros in empty ones are both judged fairly). Default:
        :data:`PRINTED_RTOL` (2e-4) for a table read from a workbook, whose
        ``attrs["rounding_step"]`` records the precision of the printed
        numbers, else :data:`DEFAULT_RTOL` (1e-6).
    atol : float, optional
        Absolute tolerance, in the table's currency unit: residuals below it
        pass whatever ``rtol`` says (for float noise in near-empty sectors of
        published tables). Default: for a table with ``attrs["rounding_step"]``
        :math:`u`, half a printed unit for each number in an identity,
        :math:`u (n_\text{sectors} + n_\text{terms} + 3) / 2` (the rounding
        allowance of the reader), else 0.
    {on_imbalance}

    Returns
    -------
    xarray.Dataset
        ``ds`` itself, unchanged, so the call can be chained.

    Notes
    -----
    For region :math:`r`, supplying sector :math:`i` and using sector
    :math:`j`, with flows :math:`f` entering once each with sign :math:`s_f`
    (:func:`iocirc.schema.identity_terms`):

    .. math::

        x_{ri} = \\sum_j Z_{rij} + \\sum_f s_f F_{rif}, \\qquad
        x_{rj} = \\sum_i Z_{rij} + \\sum_k V_{rkj}

    An identity fails where :math:`|x - \\text{accounted}|` exceeds ``rtol``
    times the sum of the absolute values of its terms.

    Raises
    ------
    SchemaError
        Missing variables, dimensions or coordinates, unknown labels,
        non-numeric data, NaN where it is not allowed, negative output.
    UnitError
        Variables whose ``units`` differ from ``ds.attrs["currency_unit"]``.
    BalanceError
        An identity fails beyond ``rtol``; the message names the region and
        sector with the largest relative residual.

    Examples
    --------
    >>> import iocirc
    >>> ds = iocirc.datasets.example_table()
    >>> iocirc.validate(ds) is ds
    True
    >>> bad = ds.copy(deep=True)
    >>> bad["total_output"][0, 1] += 1000.0
    >>> iocirc.validate(bad)
    Traceback (most recent call last):
    ...
    iocirc.errors.BalanceError: the ... identity ... fails for region 'Liaoning', sector '02' ...
    """
    check_choice("on_imbalance", on_imbalance, ("raise", "warn", "ignore"))
    if isinstance(ds, xr.Dataset) and _is_mrio(ds):
        # A multi-regional table: checked by its own validator (imported here, not at the
        # top, because iocirc.mrio builds on this module).
        from iocirc.mrio import validate as validate_mrio

        given = {k: v for k, v in (("rtol", rtol), ("atol", atol)) if v is not None}
        return validate_mrio(ds, on_imbalance=on_imbalance, **given)
    _check_structure(ds)
    rtol, atol = _core.default_tolerances(ds, rtol, atol)
    if on_imbalance != "ignore":
        _check_balance(ds, rtol=rtol, atol=atol, on_imbalance=on_imbalance)
    return ds


def _is_mrio(ds: xr.Dataset) -> bool:
    """A multi-regional table: ``attrs["table_kind"] == "mrio"`` or a ``region_to`` dimension."""
    return ds.attrs.get("table_kind") == "mrio" or "region_to" in ds.dims


def _check_structure(ds: xr.Dataset) -> None:
    """Refuse ``ds`` unless it has the whole structure of an IO table and allowed values."""
    checked = check_table(ds, purpose="validate", complete=True)
    for name in VARIABLES:  # dask-backed variables: the checks run now, as validation computes
        if checked[name].chunks is not None:
            checked[name].data.compute()


def _check_balance(ds: xr.Dataset, *, rtol: float, atol: float, on_imbalance: str) -> None:
    rows, cols = _core.identity_residuals(ds)
    row = "intermediate use + final use (imports and inflows subtracted)"
    _core.check_identities(
        [
            ("row", rows, "region", "sector", row),
            ("column", cols, "region", "sector_to", "intermediate inputs + value added"),
        ],
        rtol=rtol,
        atol=atol,
        on_imbalance=on_imbalance,
        unit=ds.attrs.get("currency_unit", ""),
        report="iocirc.balance_report(ds)",
        names=True,
    )


def balance_report(ds: xr.Dataset) -> pd.DataFrame:
    """All residuals of the row and column identities as a tidy table.

    Parameters
    ----------
    ds : xarray.Dataset
        A structurally valid IO table; for a multi-regional table
        (:func:`iocirc.mrio.is_mrio`) the rows are its origin and the columns
        its destination region-sectors.

    Returns
    -------
    pandas.DataFrame
        One row per region (and extra dimension), identity and sector, with
        columns ``region``, ``identity`` (``"row"`` or ``"column"``),
        ``sector``, ``total_output``, ``accounted``, ``residual`` (in the
        table's currency unit) and ``relative_residual`` (residual over the
        sum of absolute terms; 0 where all terms are 0), sorted by decreasing
        absolute relative residual.

    Notes
    -----
    ``residual`` is :math:`x - (\\sum_j Z_{ij} + \\sum_f s_f F_{if})` for rows and
    :math:`x - (\\sum_i Z_{ij} + \\sum_k V_{kj})` for columns; see
    :func:`validate`.

    Examples
    --------
    >>> import iocirc
    >>> report = iocirc.balance_report(iocirc.datasets.example_table())
    >>> sorted(report["identity"].unique())
    ['column', 'row']
    >>> float(report["residual"].abs().max())
    0.0
    """
    if isinstance(ds, xr.Dataset) and _is_mrio(ds):
        from iocirc.mrio import balance_report as mrio_balance_report

        return mrio_balance_report(ds)
    _check_structure(ds)
    rows, cols = _core.identity_residuals(ds)
    frames = []
    for kind, table, dim in (("row", rows, "sector"), ("column", cols, "sector_to")):
        scale = table["scale"].where(table["scale"] > 0, 1.0)
        table = table.assign(relative_residual=table["residual"] / scale).drop_vars("scale")
        keep = [c for c in table.coords if c not in table.dims]
        frame = table.drop_vars(keep).to_dataframe().reset_index()
        frame = frame.rename(columns={dim: "sector"})
        frame.insert(1, "identity", kind)
        frames.append(frame)
    report = pd.concat(frames, ignore_index=True)
    order = report["relative_residual"].abs().sort_values(ascending=False, kind="stable").index
    return report.loc[order].reset_index(drop=True)


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
