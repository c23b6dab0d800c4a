"""RAS and GRAS: update a matrix to new row and column totals.

Bi-proportional balancing finds the matrix :math:`X = \\hat r A \\hat s` closest
to a seed :math:`A` (in the sense of minimum information gain) whose row sums
are :math:`u` and column sums :math:`v`. RAS (Stone; Bacharach 1970; Miller and
Blair 2009, ch. 7) does it by scaling rows and columns in turn; GRAS (Junius
and Oosterhaven 2003, with the correction of Temurshoev, Miller and
Bouwmeester 2013) extends it to seeds with negative entries, such as changes in
inventories or net taxes, and keeps every entry's sign.

Both work on plain numpy arrays and on :class:`xarray.DataArray` objects, and
on stacks of matrices at once (a leading "batch" dimension, e.g. one matrix per
product).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import numpy as np
import xarray as xr

from iocirc._core import check_choice, warn
from iocirc.errors import (
    ArgumentError,
    ArgumentTypeError,
    BalanceError,
    ConvergenceError,
    ConvergenceWarning,
    SchemaError,
)

__all__ = ["Balanced", "BalancingReport", "gras", "ras"]

OnFail = Literal["raise", "warn"]

#: Default convergence tolerance (relative to each margin) and iteration limit.
DEFAULT_TOL = 1e-10
DEFAULT_MAX_ITER = 10_000
#: How far the sum of the row totals may differ from that of the column totals.
DEFAULT_MARGIN_RTOL = 1e-8


@dataclass(frozen=True)
class BalancingReport:
    """What a RAS or GRAS balancing did.

    Attributes
    ----------
    method : {"ras", "gras"}
        The algorithm.
    iterations : int
        Number of row-and-column scaling rounds done.
    converged : bool
        Whether every row and column sum is within ``tol`` of its target.
    max_residual : float
        Largest absolute difference between a row or column sum of the result
        and its target, in the margins' unit.
    max_relative_residual : float
        The same relative to the target (for zero targets, relative to the
        mean absolute margin of the matrix): the convergence measure.
    tol : float
        The tolerance asked for.
    row_factors, col_factors : numpy.ndarray
        The multipliers :math:`r` and :math:`s` (shapes of the row and column
        totals).
    """

    method: str
    iterations: int
    converged: bool
    max_residual: float
    max_relative_residual: float
    tol: float
    row_factors: np.ndarray = field(repr=False)
    col_factors: np.ndarray = field(repr=False)

    def as_attrs(self, prefix: str = "balancing") -> dict[str, Any]:
        """The report as netCDF-safe attributes (numbers and strings)."""
        return {
            f"{prefix}_method": self.method,
            f"{prefix}_iterations": int(self.iterations),
            f"{prefix}_converged": int(self.converged),
            f"{prefix}_max_residual": float(self.max_residual),
            f"{prefix}_max_relative_residual": float(self.max_relative_residual),
            f"{prefix}_tol": float(self.tol),
        }


class Balanced(NamedTuple):
    """The result of :func:`ras` or :func:`gras`: ``table, report = ras(...)``."""

    table: Any
    """The balanced matrix: a numpy array or DataArray like the seed (a new object)."""
    report: BalancingReport
    """Iterations, residuals and convergence."""


def ras(
    seed: np.ndarray | xr.DataArray,
    row_totals: np.ndarray | xr.DataArray,
    col_totals: np.ndarray | xr.DataArray,
    *,
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
    on_fail: OnFail = "raise",
    margin_rtol: float = DEFAULT_MARGIN_RTOL,
) -> Balanced:
    """Balance a non-negative matrix to given row and column totals (RAS).

    Parameters
    ----------
    seed : numpy.ndarray or xarray.DataArray
        The prior matrix :math:`A`, non-negative, finite. A numpy array of
        shape (..., m, n) is a stack of m x n matrices balanced separately. A
        DataArray's row dimension is the one absent from ``col_totals``, its
        column dimension the one absent from ``row_totals``; any other
        dimension is a batch dimension, which both totals must have.
    row_totals : numpy.ndarray or xarray.DataArray
        Targets :math:`u` for the row sums, shape (..., m), non-negative.
    col_totals : numpy.ndarray or xarray.DataArray
        Targets :math:`v` for the column sums, shape (..., n), non-negative,
        with the same sum as ``row_totals`` (per matrix of the stack).
    tol : float
        Convergence tolerance: every row and column sum within ``tol`` of its
        target, relative to the target (for a zero target, relative to the
        mean absolute margin).
    max_iter : int
        Maximum number of rounds (one row and one column scaling each).
    on_fail : {"raise", "warn"}
        What to do when ``max_iter`` rounds do not reach ``tol``: raise
        :class:`~iocirc.errors.ConvergenceError` (the default), or warn with
        :class:`~iocirc.errors.ConvergenceWarning` and return the last
        iterate (its report says ``converged=False``).
    margin_rtol : float
        Largest accepted relative difference between the sum of the row
        totals and that of the column totals.

    Returns
    -------
    Balanced
        ``(table, report)``: the balanced matrix :math:`X` (same type, shape,
        dimensions and coordinates as ``seed``, in the margins' unit; a
        DataArray carries the report in its attrs) and a
        :class:`BalancingReport`.

    Raises
    ------
    SchemaError
        Wrong shapes or dimensions, NaN or infinite values, negative entries
        (use :func:`gras` for seeds with negative entries).
    BalanceError
        Inconsistent margins: totals whose sums differ, or a non-zero target
        for a row or column of the seed that is all zero.
    ConvergenceError
        With ``on_fail="raise"``, if the iterations do not converge (the zero
        pattern of the seed may make the margins unreachable).

    Notes
    -----
    Finds :math:`X = \\hat r A \\hat s` with :math:`X 1 = u`,
    :math:`1' X = v` by alternating :math:`r_i = u_i / \\sum_j a_{ij} s_j` and
    :math:`s_j = v_j / \\sum_i r_i a_{ij}` (Miller and Blair 2009, section 7.4),
    starting from :math:`s = 1`. The result keeps the zero pattern of
    :math:`A` and is the solution of
    :math:`\\min \\sum_{ij} x_{ij} \\ln(x_{ij}/a_{ij})` subject to the margins
    (Bacharach 1970). Each round ends with the column scaling, so the column
    sums are met to rounding and convergence is judged on the rows. Near the
    boundary of what the zero pattern allows (some entries forced towards
    zero) RAS converges very slowly; matrices not converged after 200 rounds
    are finished by damped Newton steps on the logarithms of the multipliers,
    which reach the same fixed point in a few steps.

    Examples
    --------
    >>> import numpy as np
    >>> from iocirc.mrio import ras
    >>> seed = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> table, report = ras(seed, [4.0, 6.0], [5.0, 5.0])
    >>> table.sum(axis=1).round(10).tolist(), table.sum(axis=0).round(10).tolist()
    ([4.0, 6.0], [5.0, 5.0])
    >>> report.converged
    True
    """
    return _front(seed, row_totals, col_totals, "ras", tol, max_iter, on_fail, margin_rtol)


def gras(
    seed: np.ndarray | xr.DataArray,
    row_totals: np.ndarray | xr.DataArray,
    col_totals: np.ndarray | xr.DataArray,
    *,
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
    on_fail: OnFail = "raise",
    margin_rtol: float = DEFAULT_MARGIN_RTOL,
) -> Balanced:
    """Balance a matrix with positive and negative entries to given totals (GRAS).

    Parameters
    ----------
    seed : numpy.ndarray or xarray.DataArray
        The prior matrix :math:`A` (finite; entries of any sign), as for
        :func:`ras`.
    row_totals, col_totals : numpy.ndarray or xarray.DataArray
        Targets :math:`u`, :math:`v` (any sign), with equal sums.
    tol, max_iter, on_fail, margin_rtol
        As for :func:`ras`.

    Returns
    -------
    Balanced
        ``(table, report)`` as for :func:`ras`. Every entry keeps the sign of
        the seed's (zeros stay zero).

    Raises
    ------
    SchemaError
        Wrong shapes or dimensions, NaN or infinite values.
    BalanceError
        Inconsistent margins: sums that differ, a non-zero target for an
        all-zero row or column, a positive target for a row or column without
        positive entries, a negative one for a row or column without negative
        entries, or a zero target for one with only negative entries.
    ConvergenceError
        With ``on_fail="raise"``, if the iterations do not converge.

    Notes
    -----
    With :math:`A = P - N` split into its positive part :math:`P` and the
    magnitudes of its negative entries :math:`N`, GRAS finds

    .. math:: X = \\hat r P \\hat s - \\hat r^{-1} N \\hat s^{-1}

    with the given margins, the solution of Junius and Oosterhaven (2003)'s
    minimum-information problem
    :math:`\\min \\sum_{ij} |a_{ij}|\\, z_{ij} \\ln(z_{ij}/e)` for
    :math:`z_{ij} = x_{ij}/a_{ij}`. Given :math:`s`, each row multiplier solves
    :math:`r_i p_i - n_i / r_i = u_i` with :math:`p_i = \\sum_j P_{ij} s_j`,
    :math:`n_i = \\sum_j N_{ij}/s_j`:

    .. math:: r_i = \\frac{u_i + \\sqrt{u_i^2 + 4 p_i n_i}}{2 p_i},

    and :math:`r_i = -n_i/u_i` when :math:`p_i = 0` (the case Temurshoev,
    Miller and Bouwmeester 2013 correct); columns alike. For a non-negative
    seed GRAS is RAS.

    Examples
    --------
    >>> import numpy as np
    >>> from iocirc.mrio import gras
    >>> seed = np.array([[4.0, -1.0], [2.0, 3.0]])
    >>> table, report = gras(seed, [2.0, 6.0], [7.0, 1.0])
    >>> bool(np.allclose(table.sum(axis=1), [2, 6]) and np.allclose(table.sum(axis=0), [7, 1]))
    True
    >>> np.sign(table).tolist() == np.sign(seed).tolist()
    True
    """
    return _front(seed, row_totals, col_totals, "gras", tol, max_iter, on_fail, margin_rtol)


# ----------------------------------------------------------------------------------------------
# front end: numpy arrays and DataArrays


class _Labels:
    """Turns positions in the (batch..., row, col) layout into readable labels."""

    def __init__(
        self,
        batch: list[tuple[str, list[Any]]],
        row: tuple[str, list[Any]],
        col: tuple[str, list[Any]],
    ) -> None:
        self.batch, self.row, self.col = batch, row, col

    def batch_label(self, index: tuple[int, ...]) -> str:
        if not self.batch:
            return ""
        parts = [f"{dim}={labels[i]!r}" for (dim, labels), i in zip(self.batch, index, strict=True)]
        return " for " + ", ".join(parts)

    def line(self, axis: str, index: int) -> str:
        dim, labels = self.row if axis == "row" else self.col
        return f"{axis} {dim}={labels[index]!r}"


def _front(
    seed: Any,
    row_totals: Any,
    col_totals: Any,
    method: str,
    tol: float,
    max_iter: int,
    on_fail: str,
    margin_rtol: float,
) -> Balanced:
    check_choice("on_fail", on_fail, ("raise", "warn"), purpose=method)
    if not (_is_number(tol) and tol > 0):
        raise ArgumentError(f"{method}: tol must be a positive number, not {tol!r}")
    if isinstance(max_iter, bool) or not isinstance(max_iter, int | np.integer) or max_iter < 1:
        raise ArgumentError(f"{method}: max_iter must be a positive integer, not {max_iter!r}")
    if not (_is_number(margin_rtol) and margin_rtol >= 0):
        raise ArgumentError(f"{method}: margin_rtol must be a non-negative number")
    if isinstance(seed, xr.DataArray):
        return _front_xarray(
            seed, row_totals, col_totals, method, tol, int(max_iter), on_fail, margin_rtol
        )
    if isinstance(row_totals, xr.DataArray) or isinstance(col_totals, xr.DataArray):
        raise ArgumentTypeError(
            f"{method}: the seed is a numpy array but a total is a DataArray; pass all three "
            "as DataArrays (labelled) or all as arrays"
        )
    a = _as_float(seed, "seed")
    if a.ndim < 2:
        raise SchemaError(f"{method}: the seed must have at least 2 dimensions, not {a.ndim}")
    u = _as_float(row_totals, "row_totals")
    v = _as_float(col_totals, "col_totals")
    if u.shape != a.shape[:-1]:
        raise SchemaError(
            f"{method}: row_totals has shape {u.shape}; the seed of shape {a.shape} needs "
            f"{a.shape[:-1]}"
        )
    if v.shape != a.shape[:-2] + a.shape[-1:]:
        raise SchemaError(
            f"{method}: col_totals has shape {v.shape}; the seed of shape {a.shape} needs "
            f"{a.shape[:-2] + a.shape[-1:]}"
        )
    labels = _Labels(
        [(f"axis {k}", list(range(n))) for k, n in enumerate(a.shape[:-2])],
        ("index", list(range(a.shape[-2]))),
        ("index", list(range(a.shape[-1]))),
    )
    x, report = _balance(a, u, v, method, tol, max_iter, on_fail, margin_rtol, labels)
    return Balanced(x, report)


def _front_xarray(
    seed: xr.DataArray,
    row_totals: Any,
    col_totals: Any,
    method: str,
    tol: float,
    max_iter: int,
    on_fail: str,
    margin_rtol: float,
) -> Balanced:
    if not isinstance(row_totals, xr.DataArray) or not isinstance(col_totals, xr.DataArray):
        raise ArgumentTypeError(
            f"{method}: the seed is a DataArray, so row_totals and col_totals must be "
            "DataArrays too (their dimensions say which are rows and which columns)"
        )
    dims = [str(d) for d in seed.dims]
    rows = [d for d in dims if d not in col_totals.dims]
    cols = [d for d in dims if d not in row_totals.dims]
    if len(rows) != 1 or len(cols) != 1 or rows == cols:
        raise SchemaError(
            f"{method}: cannot tell the row and column dimensions of the seed {tuple(dims)}: "
            f"row_totals has {tuple(row_totals.dims)}, col_totals {tuple(col_totals.dims)}; "
            "the row dimension must be the one dimension of the seed missing from col_totals, "
            "the column dimension the one missing from row_totals"
        )
    row, col = rows[0], cols[0]
    batch = [d for d in dims if d not in (row, col)]
    for name, total, own in (("row_totals", row_totals, row), ("col_totals", col_totals, col)):
        if set(map(str, total.dims)) != {*batch, own}:
            raise SchemaError(
                f"{method}: {name} has dimensions {tuple(total.dims)}; expected {(*batch, own)}"
            )
        for d in (*batch, own):
            if total.sizes[d] != seed.sizes[d]:
                raise SchemaError(
                    f"{method}: {name} has {total.sizes[d]} labels on {d!r}, the seed "
                    f"{seed.sizes[d]}"
                )
            if (
                d in seed.indexes
                and d in total.indexes
                and list(seed.indexes[d]) != list(total.indexes[d])
            ):
                raise SchemaError(
                    f"{method}: the labels of {d!r} in {name} differ from the seed's "
                    f"(or are in another order): {list(total.indexes[d])[:5]} ... vs "
                    f"{list(seed.indexes[d])[:5]} ..."
                )
    order = [*batch, row, col]

    def labels_of(d: str) -> list[Any]:
        if d in seed.indexes:
            return [v.item() if hasattr(v, "item") else v for v in seed.indexes[d]]
        return list(range(seed.sizes[d]))

    labels = _Labels(
        [(d, labels_of(d)) for d in batch], (row, labels_of(row)), (col, labels_of(col))
    )
    a = _as_float(seed.transpose(*order).values, "seed")
    u = _as_float(row_totals.transpose(*batch, row).values, "row_totals")
    v = _as_float(col_totals.transpose(*batch, col).values, "col_totals")
    x, report = _balance(a, u, v, method, tol, max_iter, on_fail, margin_rtol, labels)
    back = [order.index(d) for d in dims]
    out = seed.copy(data=np.transpose(x, back))
    out.attrs.update(report.as_attrs())
    if "units" in row_totals.attrs:
        out.attrs["units"] = row_totals.attrs["units"]
    return Balanced(out, report)


def _is_number(value: Any) -> bool:
    """A finite real number (not a bool, a string or an array)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        return False
    return bool(np.isfinite(value))


def _as_float(values: Any, name: str) -> np.ndarray:
    kind = np.asarray(values).dtype.kind
    if kind in "USb":  # text ("1.5" would convert) or booleans are not flows
        raise SchemaError(f"{name} is not numeric: it holds {np.asarray(values).dtype} data")
    try:
        a = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise SchemaError(f"{name} is not numeric: {exc}") from None
    if not np.isfinite(a).all():
        bad = np.argwhere(~np.isfinite(a))[0]
        raise SchemaError(
            f"{name} has NaN or infinite values (first at position {tuple(int(i) for i in bad)})"
        )
    return a


# ----------------------------------------------------------------------------------------------
# the algorithm


def _balance(
    a: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    method: str,
    tol: float,
    max_iter: int,
    on_fail: str,
    margin_rtol: float,
    labels: _Labels,
) -> tuple[np.ndarray, BalancingReport]:
    if 0 in a.shape:
        raise SchemaError(f"{method}: the seed is empty (shape {a.shape})")
    if method == "ras":
        for name, values in (("seed", a), ("row_totals", u), ("col_totals", v)):
            if (values < 0).any():
                pos = tuple(int(i) for i in np.argwhere(values < 0)[0])
                raise SchemaError(
                    f"ras: {name} has negative values (first at position {pos}); RAS needs "
                    "non-negative data: use iocirc.mrio.gras for tables with negative entries"
                )
    _check_margins(a, u, v, method, margin_rtol, labels)

    p = np.where(a > 0, a, 0.0)
    q = np.where(a < 0, -a, 0.0)
    signed = bool(q.any())
    # Zero targets are judged relative to the mean absolute margin of their matrix.
    mean_margin = 0.5 * (np.abs(u).mean(axis=-1) + np.abs(v).mean(axis=-1))
    mean_margin = np.where(mean_margin > 0, mean_margin, 1.0)
    u_scale = np.where(u != 0, np.abs(u), mean_margin[..., np.newaxis])
    v_scale = np.where(v != 0, np.abs(v), mean_margin[..., np.newaxis])

    r = np.ones(u.shape)
    s = np.ones(v.shape)
    iterations = 0
    converged = False
    for iterations in range(1, max_iter + 1):
        if iterations == _NEWTON_AFTER and not signed:
            # Slow convergence (margins near the boundary of what the zero pattern allows):
            # Newton steps on the log multipliers reach the same fixed point.
            s = _newton(p, u, v, r, s, tol)
        r = _factor(_rows(p, s), _rows(q, _inverse(s)) if signed else None, u)
        s = _factor(_cols(p, r), _cols(q, _inverse(r)) if signed else None, v)
        achieved = r * _rows(p, s)
        if signed:
            achieved = achieved - _inverse(r) * _rows(q, _inverse(s))
        if (np.abs(achieved - u) <= tol * u_scale).all():
            converged = True
            break
    x = r[..., :, np.newaxis] * p * s[..., np.newaxis, :]
    if signed:
        x = x - q * (_inverse(r)[..., :, np.newaxis] * _inverse(s)[..., np.newaxis, :])
    row_err = np.abs(x.sum(axis=-1) - u)
    col_err = np.abs(x.sum(axis=-2) - v)
    rel_rows, rel_cols = row_err / u_scale, col_err / v_scale
    max_rel = float(max(rel_rows.max(), rel_cols.max()))
    # Judged on the final product, with room for its rounding: margins reachable only on the
    # boundary of the seed's zero pattern converge slowly, and may end within it unannounced.
    converged = max_rel <= tol * 10
    report = BalancingReport(
        method=method,
        iterations=iterations,
        converged=bool(converged),
        max_residual=float(max(row_err.max(), col_err.max())),
        max_relative_residual=max_rel,
        tol=float(tol),
        row_factors=r,
        col_factors=s,
    )
    if not converged:
        if rel_rows.max() >= rel_cols.max():
            where = np.unravel_index(int(np.argmax(rel_rows)), rel_rows.shape)
            what = labels.line("row", int(where[-1]))
            target, got = u[where], x.sum(axis=-1)[where]
        else:
            where = np.unravel_index(int(np.argmax(rel_cols)), rel_cols.shape)
            what = labels.line("column", int(where[-1]))
            target, got = v[where], x.sum(axis=-2)[where]
        message = (
            f"{method} did not converge in {iterations} iterations (tol={tol:g}): the sum of "
            f"{what}{labels.batch_label(tuple(int(i) for i in where[:-1]))} is {got:.10g}, "
            f"its target {target:.10g} (relative residual {max_rel:.3g}). The zero pattern of "
            "the seed may make the margins unreachable; raise max_iter, loosen tol, or pass "
            "on_fail='warn' to get the last iterate"
        )
        if on_fail == "raise":
            raise ConvergenceError(message)
        warn(message, ConvergenceWarning)
    return x, report


#: RAS rounds after which the remaining matrices are finished by Newton's method.
_NEWTON_AFTER = 200


def _newton(
    p: np.ndarray, u: np.ndarray, v: np.ndarray, r: np.ndarray, s: np.ndarray, tol: float
) -> np.ndarray:
    """Column multipliers solving the RAS problem, by damped Newton steps on log factors.

    RAS is a coordinate ascent on the dual of the minimum-information problem; near the
    boundary of feasibility it converges slowly. Newton's method on the dual variables
    (log r, log s) converges to the same solution in a few steps.
    """
    shape = p.shape
    flat_p = p.reshape(-1, shape[-2], shape[-1])
    flat_u, flat_v = u.reshape(-1, shape[-2]), v.reshape(-1, shape[-1])
    flat_r, flat_s = r.reshape(-1, shape[-2]), s.reshape(-1, shape[-1]).copy()
    for k in range(flat_p.shape[0]):
        rows, cols = flat_u[k] > 0, flat_v[k] > 0
        if rows.sum() < 1 or cols.sum() < 1:
            continue
        a_mat = flat_p[k][np.ix_(rows, cols)]
        uu, vv = flat_u[k][rows], flat_v[k][cols]
        scale = np.concatenate([uu, vv])
        a = np.log(np.where(flat_r[k][rows] > 0, flat_r[k][rows], 1.0))
        b = np.log(np.where(flat_s[k][cols] > 0, flat_s[k][cols], 1.0))
        m = len(uu)

        def residual(a: np.ndarray, b: np.ndarray, a_mat: np.ndarray = a_mat) -> tuple:
            x = a_mat * np.exp(np.clip(a[:, None] + b[None, :], -700, 700))
            return x, np.concatenate([x.sum(axis=1), x.sum(axis=0)])

        x, achieved = residual(a, b)
        f = achieved - np.concatenate([uu, vv])
        if (np.abs(f) <= 0.1 * tol * scale).all():
            continue
        for _ in range(100):
            jac = np.block([[np.diag(x.sum(axis=1)), x], [x.T, np.diag(x.sum(axis=0))]])
            try:
                step = np.linalg.solve(jac[:-1, :-1], -f[:-1])
            except np.linalg.LinAlgError:
                step = np.linalg.lstsq(jac[:-1, :-1], -f[:-1], rcond=None)[0]
            step = np.append(step, 0.0)
            norm = np.abs(f / scale).max()
            t = 1.0
            while t > 1e-10:
                na, nb = a + t * step[:m], b + t * step[m:]
                nx, nach = residual(na, nb)
                nf = nach - np.concatenate([uu, vv])
                if np.abs(nf / scale).max() < norm * (1 - 1e-4 * t) or t <= 1e-9:
                    break
                t *= 0.5
            a, b, x, f = na, nb, nx, nf
            if (np.abs(f) <= 0.1 * tol * scale).all():
                break
        new_s = flat_s[k].copy()
        new_s[cols] = np.exp(b)
        # Fold the row factors into the column scaling RAS does next: r is recomputed from s.
        flat_s[k] = new_s
    return flat_s.reshape(s.shape)


def _check_margins(
    a: np.ndarray, u: np.ndarray, v: np.ndarray, method: str, margin_rtol: float, labels: _Labels
) -> None:
    su, sv = u.sum(axis=-1), v.sum(axis=-1)
    scale = np.maximum(np.abs(u).sum(axis=-1), np.abs(v).sum(axis=-1))
    off = np.abs(su - sv) > margin_rtol * np.where(scale > 0, scale, 1.0)
    if off.any():
        where = tuple(int(i) for i in np.argwhere(off)[0]) if off.ndim else ()
        raise BalanceError(
            f"{method}: the row totals sum to {su[where]:.10g} and the column totals to "
            f"{sv[where]:.10g}{labels.batch_label(where)}; they must be equal (relative "
            f"difference at most margin_rtol={margin_rtol:g})"
        )
    for axis, total in (("row", u), ("column", v)):
        entries = a if axis == "row" else np.swapaxes(a, -1, -2)
        has_pos = (entries > 0).any(axis=-1)
        has_neg = (entries < 0).any(axis=-1)
        problems = (
            ((total > 0) & ~has_pos, "a positive target but no positive entry in the seed"),
            ((total < 0) & ~has_neg, "a negative target but no negative entry in the seed"),
            (
                (total == 0) & has_neg & ~has_pos,
                "a zero target but only negative entries in the seed",
            ),
        )
        for mask, why in problems:
            if mask.any():
                where = tuple(int(i) for i in np.argwhere(mask)[0])
                raise BalanceError(
                    f"{method}: {labels.line(axis, where[-1])}"
                    f"{labels.batch_label(where[:-1])} has {why} (target {total[where]:.10g}); "
                    "no matrix with the seed's zero pattern and signs meets that margin"
                )


def _rows(m: np.ndarray, w: np.ndarray) -> np.ndarray:
    """sum_j m[..., i, j] w[..., j]."""
    return np.matmul(m, w[..., np.newaxis])[..., 0]


def _cols(m: np.ndarray, w: np.ndarray) -> np.ndarray:
    """sum_i w[..., i] m[..., i, j]."""
    return np.matmul(w[..., np.newaxis, :], m)[..., 0, :]


def _inverse(f: np.ndarray) -> np.ndarray:
    """1/f where f > 0, else 0 (a zero multiplier only meets all-positive lines)."""
    out = np.zeros_like(f)
    np.divide(1.0, f, out=out, where=f > 0)
    return out


def _factor(p: np.ndarray, q: np.ndarray | None, t: np.ndarray) -> np.ndarray:
    """The positive f with f p - q / f = t (f = t / p when q is None or zero)."""
    if q is None:
        out = np.ones_like(t)
        np.divide(t, p, out=out, where=p > 0)
        return out
    disc = np.sqrt(t * t + 4.0 * p * q)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Two algebraically equal forms; each avoids cancellation for its sign of t.
        quadratic = np.where(t >= 0, (t + disc) / (2.0 * p), 2.0 * q / (disc - t))
        only_negative = -q / t
    out = np.where(p > 0, quadratic, np.where(q > 0, only_negative, 1.0))
    return np.where(np.isfinite(out) & (out >= 0), out, 1.0)
