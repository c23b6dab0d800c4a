"""Linear algebra of the models: ``I - A`` (or ``I - B``) of each region, solved or inverted.

Systems of fewer than ``BATCH_BELOW`` sectors (the provincial tables have 42) are solved a
slab of regions at a time by numpy's stacked ``solve`` and ``inv``: one C loop per slab that
releases the GIL, so the threads of dask's scheduler run in parallel, with the productivity
and conditioning checks vectorised over the slab. Larger systems are factorised one at a
time by LAPACK (``getrf``), the factors shared by the solves on both sides (triangular
solves) and by the explicit inverse (``getri``). Both paths refuse and warn alike, naming
the region.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import xarray as xr

from iocirc._core import user_stacklevel
from iocirc.analysis._blocks import apply
from iocirc.analysis._model import _columns_to_rows, _Model
from iocirc.errors import ConditioningWarning, ModelError


class _LazyLapack:
    """``scipy.linalg.lapack``, imported on first use: ``import iocirc`` stays quick."""

    def __getattr__(self, name: str) -> Any:
        from scipy.linalg import lapack as module

        function = getattr(module, name)
        setattr(self, name, function)  # found here from now on: no import per call
        return function


lapack = _LazyLapack()

#: ``I - A`` with a reciprocal condition number below this warns (its solution may have lost
#: most of its digits: entries of 1e11 from a system that is singular up to rounding).
RCOND_WARN = 1e-10

#: Systems of fewer sectors than this are solved a batch at a time by numpy's stacked
#: ``solve`` (one C loop that releases the GIL, so dask's threads run in parallel); larger
#: ones one at a time from a single LU (LAPACK-bound already, and both sides share it).
BATCH_BELOW = 128
#: Work arrays of a batch stay within about this many bytes.
BATCH_BYTES = 16 * 2**20


def solve_right(
    model: _Model, rhs: xr.DataArray, dim: str | None = None, *, ghosh: bool = False
) -> xr.DataArray:
    """``M^-1 rhs`` with ``M = I - A`` (or ``I - B``), one LU per region.

    ``rhs`` is over ``sector`` (and ``dim``, the right-hand sides); so is the result.
    """
    return _apply_solve(model, rhs, dim, None, None, ghosh)[0]


def solve_left(
    model: _Model, lhs: xr.DataArray, dim: str | None = None, *, ghosh: bool = False
) -> xr.DataArray:
    """``lhs M^-1`` (that is ``M'^-1 lhs``), one LU per region.

    ``lhs`` is over ``sector`` (and ``dim``, the left-hand sides); so is the result.
    """
    return _columns_to_rows(_apply_solve(model, None, None, lhs, dim, ghosh)[1])


def solve_both(
    model: _Model,
    rhs: xr.DataArray,
    rhs_dim: str | None,
    lhs: xr.DataArray,
    lhs_dim: str | None,
    *,
    ghosh: bool = False,
) -> tuple[xr.DataArray, xr.DataArray]:
    """``(M^-1 rhs, lhs M^-1)`` from one LU per region (see :func:`solve_right`)."""
    right, left = _apply_solve(model, rhs, rhs_dim, lhs, lhs_dim, ghosh)
    return right, _columns_to_rows(left)


def _apply_solve(
    model: _Model,
    rhs: xr.DataArray | None,
    rhs_dim: str | None,
    lhs: xr.DataArray | None,
    lhs_dim: str | None,
    ghosh: bool,
) -> tuple[xr.DataArray, xr.DataArray]:
    """The batched solve behind the three above; the side not asked for is returned empty."""
    args: list[xr.DataArray] = [model.z, model.x, model.keep]
    in_core: list[list[Hashable]] = [["sector", "sector_to"], ["sector"], ["sector"]]
    out_core: list[list[Hashable]] = []
    # A single vector (dim None) goes to the kernel as it is, which adds its axis: no dask
    # step to expand and squeeze it.
    if rhs is not None:
        args.append(rhs)
        in_core.append(["sector"] if rhs_dim is None else ["sector", rhs_dim])
        out_core.append(["sector"] if rhs_dim is None else ["sector", rhs_dim])
    if lhs is not None:
        args.append(lhs)
        in_core.append(["sector"] if lhs_dim is None else [lhs_dim, "sector"])
        out_core.append(["sector_to"] if lhs_dim is None else [lhs_dim, "sector_to"])
    kernel = _SolveKernel(rhs is not None, lhs is not None, ghosh, rhs_dim is None, lhs_dim is None)
    result = _labelled_call(
        kernel,
        args,
        in_core,
        {
            "input_core_dims": in_core,
            "output_core_dims": out_core,
            "output_dtypes": [float] * len(out_core),
        },
        ghosh,
    )
    outputs = list(result) if isinstance(result, tuple) else [result]
    empty = xr.DataArray()
    right = outputs.pop(0) if rhs is not None else empty
    left = outputs.pop(0) if lhs is not None else empty
    return right, left


def _solve_stacked(
    model: _Model, vector: xr.DataArray, *, side: Literal["left", "right"], ghosh: bool
) -> xr.DataArray:
    """Solve for a user vector, its extra dimensions stacked into the right-hand sides."""
    model_dims = set(model.z.dims) | set(model.x.dims)
    extra = [d for d in vector.dims if d not in model_dims]
    stacked = vector.stack(_cols=extra) if extra else vector.expand_dims("_cols", axis=-1)
    if side == "right":
        out = solve_right(model, stacked, "_cols", ghosh=ghosh)
    else:
        out = solve_left(model, stacked, "_cols", ghosh=ghosh)
    if not extra:
        return out.squeeze("_cols", drop=True)
    out = out.unstack("_cols")
    out = out.drop_vars([d for d in extra if d not in vector.coords])
    return out.transpose(*[d for d in vector.dims if d in out.dims], ...)


class _SolveKernel:
    """Factorise ``I - A`` (or ``I - B``) of each region once; solve on both sides."""

    def __init__(
        self,
        has_rhs: bool,
        has_lhs: bool,
        ghosh: bool,
        rhs_vector: bool = False,
        lhs_vector: bool = False,
    ) -> None:
        self.has_rhs = has_rhs
        self.has_lhs = has_lhs
        self.ghosh = ghosh
        self.rhs_vector = rhs_vector
        self.lhs_vector = lhs_vector

    def __call__(
        self, z: np.ndarray, x: np.ndarray, keep: np.ndarray, *extra: np.ndarray
    ) -> np.ndarray | tuple[np.ndarray, ...]:
        rhs = extra[0] if self.has_rhs else None
        lhs = extra[-1] if self.has_lhs else None
        if rhs is not None and self.rhs_vector:
            rhs = rhs[..., np.newaxis]
        if lhs is not None and self.lhs_vector:
            lhs = lhs[..., np.newaxis, :]
        outputs = self._solve(z, x, keep, rhs, lhs)
        if self.rhs_vector and rhs is not None:
            outputs[0] = outputs[0][..., 0]
        if self.lhs_vector and lhs is not None:
            outputs[-1] = outputs[-1][..., 0, :]
        return outputs[0] if len(outputs) == 1 else tuple(outputs)

    def _solve(
        self,
        z: np.ndarray,
        x: np.ndarray,
        keep: np.ndarray,
        rhs: np.ndarray | None,
        lhs: np.ndarray | None,
    ) -> list[np.ndarray]:
        n = z.shape[-1]
        shapes = [z.shape[:-2], x.shape[:-1], keep.shape[:-1]]
        if rhs is not None:
            shapes.append(rhs.shape[:-2])
        if lhs is not None:
            shapes.append(lhs.shape[:-2])
        batch = np.broadcast_shapes(*shapes)
        z_b = np.broadcast_to(z, (*batch, n, n))
        x_b = np.broadcast_to(x, (*batch, n))
        k_b = np.broadcast_to(keep, (*batch, n))
        outputs: list[np.ndarray] = []
        rhs_b = lhs_b = out_r = out_l = None
        if rhs is not None:
            rhs_b = np.broadcast_to(rhs, (*batch, *rhs.shape[-2:]))
            out_r = np.empty((*batch, n, rhs.shape[-1]))
            outputs.append(out_r)
        if lhs is not None:
            lhs_b = np.broadcast_to(lhs, (*batch, *lhs.shape[-2:]))
            out_l = np.empty((*batch, lhs.shape[-2], n))
            outputs.append(out_l)
        if n >= BATCH_BELOW or n == 0:
            for idx in np.ndindex(*batch):
                self._solve_one(idx, z_b, x_b, k_b, rhs_b, lhs_b, out_r, out_l)
            return outputs

        def batched(m: np.ndarray, take: Any) -> None:
            if out_r is not None and rhs_b is not None:
                out_r[take] = np.linalg.solve(m, rhs_b[take])
            if out_l is not None and lhs_b is not None:
                mt, lhs_t = m.swapaxes(-1, -2), lhs_b[take].swapaxes(-1, -2)
                out_l[take] = np.linalg.solve(mt, lhs_t).swapaxes(-1, -2)

        def single(idx: tuple[int, ...]) -> None:
            self._solve_one(idx, z_b, x_b, k_b, rhs_b, lhs_b, out_r, out_l)

        _by_slabs(batch, z_b, x_b, k_b, self.ghosh, batched, single)
        return outputs

    def _solve_one(
        self,
        idx: tuple[int, ...],
        z: np.ndarray,
        x: np.ndarray,
        keep: np.ndarray,
        rhs: np.ndarray | None,
        lhs: np.ndarray | None,
        out_r: np.ndarray | None,
        out_l: np.ndarray | None,
    ) -> None:
        lu, piv = _factor(z[idx], x[idx], keep[idx], ghosh=self.ghosh, idx=idx)
        perm = _permutation(piv)
        if rhs is not None and out_r is not None:
            out_r[idx] = _solve_m(lu, perm, rhs[idx])
        if lhs is not None and out_l is not None:
            out_l[idx] = _solve_m_transposed(lu, perm, lhs[idx].T).T


@dataclass(frozen=True)
class _Slab:
    """Consecutive systems of a batch: ``take`` indexes the (broadcast) inputs and the
    outputs, giving them a leading axis over the systems; ``where`` is each one's position."""

    take: Any
    where: tuple[tuple[int, ...], ...]


def _slabs(batch: tuple[int, ...], n: int) -> Iterator[_Slab]:
    total = math.prod(batch)
    size = max(1, BATCH_BYTES // (8 * n * n))
    for start in range(0, total, size):
        stop = min(start + size, total)
        if not batch:
            yield _Slab((np.newaxis,), ((),))
        elif len(batch) == 1:
            yield _Slab(slice(start, stop), tuple((i,) for i in range(start, stop)))
        else:
            coords = np.unravel_index(np.arange(start, stop), batch)
            where = tuple(tuple(int(c) for c in p) for p in zip(*coords, strict=True))
            yield _Slab(coords, where)


def _by_slabs(
    batch: tuple[int, ...],
    z: np.ndarray,
    x: np.ndarray,
    keep: np.ndarray,
    ghosh: bool,
    batched: Callable[[np.ndarray, Any], None],
    single: Callable[[tuple[int, ...]], None],
) -> None:
    """``batched(M, take)`` for the systems ``M`` of each slab of the batch (``take`` indexes
    them), warning about the ill-conditioned ones once solved, as :func:`_factor` does.

    A slab with a refused or exactly singular system is done again one system at a time by
    ``single(position)`` (which factorises as the unbatched path does), so that the first
    system that fails, in order, is the one named, with LAPACK's own diagnosis.
    """
    for part in _slabs(batch, x.shape[-1]):
        take = part.take
        try:
            m, doubtful = _system(z[take], x[take], keep[take], ghosh, part)
            batched(m, take)
        except (_Unsolvable, np.linalg.LinAlgError):
            for idx in part.where:
                single(idx)
            continue
        for rcond, idx in doubtful:
            _warn_conditioning(rcond, idx)


def _system(
    z: np.ndarray, x: np.ndarray, keep: np.ndarray, ghosh: bool, slab: _Slab
) -> tuple[np.ndarray, list[tuple[float, tuple[int, ...]]]]:
    """``M`` of every system of a slab, ``(k, n, n)``, refused as :func:`_factor` refuses
    one (the same arithmetic, in the same order, vectorised), with the reciprocal condition
    numbers below ``RCOND_WARN`` and their positions, to be warned about."""
    n = x.shape[-1]
    inv_x = np.divide(1.0, x, out=np.zeros(x.shape), where=x != 0)
    leontief = z * inv_x[..., np.newaxis, :]
    leontief *= -keep[..., np.newaxis]  # -A
    rows = -leontief.sum(axis=-1).min(axis=-1)  # the largest row and column sums of A
    cols = -leontief.sum(axis=-2).min(axis=-1)
    if ghosh:
        work = z * (-(keep * inv_x))[..., np.newaxis]  # -B
        bound = np.minimum(-work.sum(axis=-2).min(axis=-1), -work.sum(axis=-1).min(axis=-1))
    else:
        work, bound = leontief, np.minimum(rows, cols)
    # A spectral radius is at most the largest column (and row) sum: only where both reach 1
    # are the eigenvalues needed.
    for i in np.flatnonzero(bound >= 1.0):
        _check_productive(-work[i], slab.where[i], ghosh)
    signed = (leontief > 0).any(axis=(-2, -1))  # A has negative entries
    doubtful = _ill_conditioned(leontief, rows, cols, signed, slab)
    diagonal = np.arange(n)
    leontief[..., diagonal, diagonal] += 1.0
    if ghosh:
        work[..., diagonal, diagonal] += 1.0
    return work, doubtful


def _ill_conditioned(
    minus_a: np.ndarray, rows: np.ndarray, cols: np.ndarray, signed: np.ndarray, slab: _Slab
) -> list[tuple[float, tuple[int, ...]]]:
    """The systems ``I - A`` that :func:`_factor` warns about: reciprocal condition number
    (LAPACK's estimate, in the 1-norm, of the transpose) below ``RCOND_WARN``.

    Most are shown well conditioned without a factorisation: for ``A >= 0`` of largest row
    sum ``r < 1`` or column sum ``c < 1``, ``||(I - A)^-1||_inf <= min(1 / (1 - r),
    n / (1 - c))`` (Neumann series), and LAPACK's estimate is never below the true value
    (its estimate of the norm of the inverse is a lower bound). The others are factorised.
    """
    n = minus_a.shape[-1]
    with np.errstate(divide="ignore"):
        inverse_norm = np.minimum(
            np.where(rows < 1.0, 1.0 / (1.0 - rows), np.inf),
            np.where(cols < 1.0, n / (1.0 - cols), np.inf),
        )
    # ||I - A||_inf for A >= 0: each row sum of A, its diagonal entry counted as |1 - a_ii|.
    a_ii = -np.diagonal(minus_a, axis1=-2, axis2=-1)
    norm = (-minus_a.sum(axis=-1) - a_ii + np.abs(1.0 - a_ii)).max(axis=-1, initial=0.0)
    shown = ~signed & (norm * inverse_norm * (10 * RCOND_WARN) <= 1.0)
    found = []
    for i in np.flatnonzero(~shown):
        m = np.array(minus_a[i])
        m.flat[:: n + 1] += 1.0
        rcond = _rcond(m)
        if not rcond >= RCOND_WARN:
            found.append((rcond, slab.where[i]))
    return found


def _rcond(m: np.ndarray) -> float:
    """LAPACK's reciprocal condition number (1-norm) of ``M'``, 0 if singular; ``m`` is
    C-ordered ``M`` (its transpose, Fortran-ordered, is factorised in place)."""
    anorm = float(np.abs(m).sum(axis=1).max(initial=0.0))  # 1-norm of M'
    factors, _, info = lapack.dgetrf(m.T, overwrite_a=1)
    return float(lapack.dgecon(factors, anorm, norm="1")[0]) if info == 0 else 0.0


def _warn_conditioning(rcond: float, idx: tuple[int, ...]) -> None:
    if not rcond >= RCOND_WARN:
        warnings.warn(
            _IllConditioned(
                idx,
                f"is nearly singular (reciprocal condition number {float(rcond):.3g}): "
                "the multipliers and inverse may have lost most of their digits",
            ),
            stacklevel=3,
        )


class _Unsolvable(ModelError):
    """Raised by a kernel for one system of the batch; re-raised as ModelError with labels
    (on dask data, where positions are local to a block, it reaches the user as it is)."""

    def __init__(self, idx: tuple[int, ...], text: str) -> None:
        super().__init__(text)
        self.idx = idx
        self.text = text


class _IllConditioned(ConditioningWarning):
    """Issued by a kernel for one system; re-issued as ConditioningWarning with labels."""

    def __init__(self, idx: tuple[int, ...], text: str) -> None:
        super().__init__(text)
        self.idx = idx
        self.text = text


def _labelled_call(
    kernel: Any,
    args: list[xr.DataArray],
    in_core: list[list[Hashable]],
    options: dict[str, Any],
    ghosh: bool,
) -> Any:
    """``xr.apply_ufunc(kernel, *args, **options)``, with the kernel's refusals and warnings
    naming the region (and extra dimensions) of the system they are about."""
    batch_dims: list[Hashable] = []
    for arg, core in zip(args, in_core, strict=True):
        for d in arg.dims:
            if d not in core and d not in batch_dims:
                batch_dims.append(d)
    labels = {d: (args[0].indexes.get(d) if d in args[0].indexes else None) for d in batch_dims}
    for arg in args:
        for d in batch_dims:
            if labels[d] is None and d in arg.indexes:
                labels[d] = arg.indexes[d]

    def where(idx: tuple[int, ...]) -> str:
        # Only numpy data gets here (on dask data the kernel runs, and raises, at compute time).
        if len(idx) != len(batch_dims):
            return "one of the regions"
        parts = []
        for d, i in zip(batch_dims, idx, strict=True):
            index = labels[d]
            parts.append(f"{d}={index[i]!r}" if index is not None else f"{d}={i}")
        return ", ".join(parts) if parts else "the table"

    which = "B" if ghosh else "A"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", _IllConditioned)
        try:
            result = apply(kernel, *args, **options)
        except _Unsolvable as err:
            raise ModelError(f"{where(err.idx)}: I - {which} {err.text}") from None
    for w in caught:
        if isinstance(w.message, _IllConditioned):
            warnings.warn(
                f"{where(w.message.idx)}: I - {which} {w.message.text}",
                ConditioningWarning,
                stacklevel=user_stacklevel(),
            )
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result


def _check_productive(a: np.ndarray, idx: tuple[int, ...], ghosh: bool) -> None:
    """Refuse a non-negative coefficient matrix whose spectral radius is 1 or more.

    A non-negative ``A`` is productive (``(I - A)^{-1}`` exists and is
    non-negative) exactly when its spectral radius, its Perron root, is below
    1. The radius is at most the largest column (or row) sum, so only when both
    reach 1 are the eigenvalues computed. Matrices with negative entries (local
    coefficients where the ``local_use`` convention gives shares above 1, which
    warn already) are not judged by this criterion.
    """
    bound = min(a.sum(axis=0).max(initial=0.0), a.sum(axis=1).max(initial=0.0))
    if bound < 1.0 or (a < 0).any():
        return
    radius = float(np.abs(np.linalg.eigvals(a)).max(initial=0.0))
    if radius >= 1.0 - 4 * np.finfo(float).eps:
        sums = a.sum(axis=1 if ghosh else 0)
        worst = int(np.argmax(sums))
        what = "row" if ghosh else "column"
        state = "is singular and not productive" if radius < 1.0 + 1e-9 else "is not productive"
        raise _Unsolvable(
            idx,
            f"{state}: the spectral radius of the coefficients is {radius:.6g} "
            f"(at least 1; the largest {what} sum is {sums[worst]:.6g}, at position {worst}), "
            "so no non-negative output meets a positive final demand and the inverse would "
            "have negative or infinite entries. Inputs exceeding output (a unit mix-up, "
            "output in the wrong unit, negative value added) usually cause this",
        )


def _factor(
    z: np.ndarray,
    x: np.ndarray,
    keep: np.ndarray,
    *,
    ghosh: bool,
    idx: tuple[int, ...] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """LU factors of ``M'`` for ``M = I - diag(keep) Z diag(1/x)`` (or ``I - diag(keep/x) Z``).

    ``M`` is built in one C-ordered work array; its transpose is Fortran-ordered,
    so LAPACK factorises it in place without a copy.
    """
    n = x.shape[-1]
    x = np.asarray(x, dtype=float)
    inv_x = np.divide(1.0, x, out=np.zeros(n), where=x != 0)
    work = np.empty((n, n))
    if ghosh:
        np.multiply(z, (-(keep * inv_x))[:, np.newaxis], out=work)
    else:
        np.multiply(z, inv_x, out=work)
        np.multiply(work, -np.asarray(keep, dtype=float)[:, np.newaxis], out=work)
    _check_productive(-work, idx, ghosh)
    work.flat[:: n + 1] += 1.0
    anorm = float(np.abs(work).sum(axis=1).max(initial=0.0))  # 1-norm of M', factorised below
    lu, piv, info = lapack.dgetrf(work.T, overwrite_a=1)
    if info > 0:
        raise _Unsolvable(
            idx, f"is singular (pivot {info} is zero): the model has no unique solution"
        )
    if info < 0:  # pragma: no cover - an argument error in LAPACK
        raise _Unsolvable(idx, f"could not be factorised (LAPACK dgetrf info={info})")
    if n:
        if ghosh:
            # B = x^-1 A x is similar to A: judge the conditioning on the Leontief form, which
            # the scaling by tiny outputs (1e-9 of 10^4 CNY in official tables) does not spoil.
            leontief = np.multiply(z, inv_x)
            np.multiply(leontief, -np.asarray(keep, dtype=float)[:, np.newaxis], out=leontief)
            leontief.flat[:: n + 1] += 1.0
            rcond = _rcond(leontief)
        else:
            rcond = lapack.dgecon(lu, anorm, norm="1")[0]
        _warn_conditioning(rcond, idx)
    return lu, piv


# The factors are of M' = P L U (see _factor). LAPACK's getrs would do the solves below, but
# OpenBLAS runs it multithreaded whatever the size, and on a busy machine each call on a small
# system can then wait a whole scheduler time slice; the triangular solves (trtrs) are
# threaded by size only. scipy.linalg.lu_solve (getrs) measured slower on a shared 2-core
# machine: 165 ms against 135-158 ms for 6 right and 2 left sides at 5,000 sectors, and
# stalls of 10x between runs at 42 sectors.


def _permutation(piv: np.ndarray) -> np.ndarray:
    """The row order ``perm`` with ``(P' A)[i] = A[perm[i]]`` from LAPACK's pivot swaps."""
    perm = np.arange(piv.shape[0])
    for i, p in enumerate(piv.tolist()):
        if p != i:
            perm[i], perm[p] = perm[p], perm[i]
    return perm


def _solve_m(lu: np.ndarray, perm: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``M y = b``, with ``M = U' L' P'``: ``U' w = b``, ``L' v = w``, ``y = P v``."""
    w = _trtrs(lu, b, lower=0, trans=1, unitdiag=0, own=False)
    v = _trtrs(lu, w, lower=1, trans=1, unitdiag=1, own=True)
    y = np.empty_like(v)
    y[perm] = v
    return y


def _solve_m_transposed(lu: np.ndarray, perm: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``M' y = c``, with ``M' = P L U``: ``L w = P' c``, ``U y = w``."""
    permuted = np.asarray(c, dtype=float)[perm]  # a new array
    w = _trtrs(lu, permuted, lower=1, trans=0, unitdiag=1, own=True)
    return _trtrs(lu, w, lower=0, trans=0, unitdiag=0, own=True)


def _trtrs(
    lu: np.ndarray, b: np.ndarray, *, lower: int, trans: int, unitdiag: int, own: bool
) -> np.ndarray:
    """Triangular solve; ``b`` is overwritten only if ``own`` (an array made here)."""
    b = np.asfortranarray(b, dtype=float)
    solution, info = lapack.dtrtrs(
        lu, b, lower=lower, trans=trans, unitdiag=unitdiag, overwrite_b=int(own)
    )
    if info != 0:  # pragma: no cover - a zero pivot is caught by _factor
        raise ModelError(f"LAPACK dtrtrs failed with info={info}")
    return np.asarray(solution)


def _inverse(model: _Model, *, ghosh: bool = False) -> xr.DataArray:
    """The Leontief (or Ghosh) inverse of each region's model, batched and dask-parallel."""
    in_core: list[list[Hashable]] = [["sector", "sector_to"], ["sector"], ["sector"]]
    result = _labelled_call(
        _inverse_kernel,
        [model.z, model.x, model.keep],
        in_core,
        {
            "kwargs": {"ghosh": ghosh},
            "input_core_dims": in_core,
            "output_core_dims": [["sector", "sector_to"]],
            "output_dtypes": [float],
        },
        ghosh,
    )
    assert isinstance(result, xr.DataArray)
    return result


def _inverse_kernel(
    z: np.ndarray, x: np.ndarray, keep: np.ndarray, *, ghosh: bool = False
) -> np.ndarray:
    n = z.shape[-1]
    batch = np.broadcast_shapes(z.shape[:-2], x.shape[:-1], keep.shape[:-1])
    z_b = np.broadcast_to(z, (*batch, n, n))
    x_b = np.broadcast_to(x, (*batch, n))
    k_b = np.broadcast_to(keep, (*batch, n))
    if n >= BATCH_BELOW or n == 0:
        if int(np.prod(batch)) == 1:
            only = (0,) * len(batch)
            one = _invert(z_b[only], x_b[only], k_b[only], ghosh=ghosh, idx=only)
            return one.reshape(*batch, n, n)
        out = np.empty((*batch, n, n))
        for idx in np.ndindex(*batch):
            out[idx] = _invert(z_b[idx], x_b[idx], k_b[idx], ghosh=ghosh, idx=idx)
        return out
    out = np.empty((*batch, n, n))

    def batched(m: np.ndarray, take: Any) -> None:
        out[take] = np.linalg.inv(m)

    def single(idx: tuple[int, ...]) -> None:
        out[idx] = _invert(z_b[idx], x_b[idx], k_b[idx], ghosh=ghosh, idx=idx)

    _by_slabs(batch, z_b, x_b, k_b, ghosh, batched, single)
    return out


def _invert(
    z: np.ndarray, x: np.ndarray, keep: np.ndarray, *, ghosh: bool, idx: tuple[int, ...] = ()
) -> np.ndarray:
    """``M^-1`` in place: LU of ``M'`` then LAPACK getri gives ``(M')^-1``, whose transpose is
    C-ordered ``M^-1``."""
    lu, piv = _factor(z, x, keep, ghosh=ghosh, idx=idx)
    n = lu.shape[0]
    lwork = _getri_lwork(n)
    inverse, info = lapack.dgetri(lu, piv, lwork=lwork, overwrite_lu=1)
    if info != 0:  # pragma: no cover - singularity is caught by _factor
        raise ModelError(f"LAPACK dgetri failed with info={info}")
    return np.asarray(inverse).T


def _getri_lwork(n: int) -> int:
    work, info = lapack.dgetri_lwork(n)
    if info != 0:  # pragma: no cover
        return max(1, n)
    return max(1, int(1.01 * float(np.real(work))))
