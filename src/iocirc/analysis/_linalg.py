"""Linear algebra of the models: ``I - A`` (or ``I - B``) factorised once per region.

LU factors by LAPACK, triangular solves on both sides, and the explicit inverses.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Literal

import numpy as np
import xarray as xr
from scipy.linalg import lapack

from iocirc.analysis._model import _columns_to_rows, _Model


def _solve(
    model: _Model,
    *,
    rhs: xr.DataArray | None = None,
    rhs_dim: str | None = None,
    lhs: xr.DataArray | None = None,
    lhs_dim: str | None = None,
    ghosh: bool = False,
) -> tuple[xr.DataArray | None, xr.DataArray | None]:
    """``M^-1 rhs`` and ``lhs M^-1`` with ``M = I - A`` (or ``I - B``), one LU per region.

    ``rhs`` is over ``sector`` (and ``rhs_dim``): the result too. ``lhs`` is
    over ``sector`` (and ``lhs_dim``); the result is over ``sector_to``.
    """
    args: list[xr.DataArray] = [model.z, model.x, model.keep]
    in_core: list[list[Hashable]] = [["sector", "sector_to"], ["sector"], ["sector"]]
    out_core: list[list[Hashable]] = []
    drop: list[str] = []
    if rhs is not None:
        if rhs_dim is None:
            rhs, rhs_dim = rhs.expand_dims("_rhs", axis=-1), "_rhs"
            drop.append("_rhs")
        args.append(rhs)
        in_core.append(["sector", rhs_dim])
        out_core.append(["sector", rhs_dim])
    if lhs is not None:
        if lhs_dim is None:
            lhs, lhs_dim = lhs.expand_dims("_lhs", axis=-1), "_lhs"
            drop.append("_lhs")
        args.append(lhs)
        in_core.append([lhs_dim, "sector"])
        out_core.append([lhs_dim, "sector_to"])
    kernel = _SolveKernel(rhs is not None, lhs is not None, ghosh)
    result = xr.apply_ufunc(
        kernel,
        *args,
        input_core_dims=in_core,
        output_core_dims=out_core,
        dask="parallelized",
        output_dtypes=[float] * len(out_core),
        dask_gufunc_kwargs={"allow_rechunk": True},
    )
    outputs = list(result) if isinstance(result, tuple) else [result]
    outputs = [o.squeeze([d for d in drop if d in o.dims], drop=True) for o in outputs]
    right = outputs.pop(0) if rhs is not None else None
    left = outputs.pop(0) if lhs is not None else None
    return right, left


def _solve_stacked(
    model: _Model, vector: xr.DataArray, *, side: Literal["left", "right"], ghosh: bool
) -> xr.DataArray:
    """Solve for a user vector, its extra dimensions stacked into the right-hand sides."""
    model_dims = set(model.z.dims) | set(model.x.dims)
    extra = [d for d in vector.dims if d not in model_dims]
    stacked = vector.stack(_cols=extra) if extra else vector.expand_dims("_cols", axis=-1)
    if side == "right":
        out, _ = _solve(model, rhs=stacked, rhs_dim="_cols", ghosh=ghosh)
    else:
        _, out = _solve(model, lhs=stacked, lhs_dim="_cols", ghosh=ghosh)
        out = None if out is None else _columns_to_rows(out)
    assert out is not None
    if not extra:
        return out.squeeze("_cols", drop=True)
    out = out.unstack("_cols")
    out = out.drop_vars([d for d in extra if d not in vector.coords])
    return out.transpose(*[d for d in vector.dims if d in out.dims], ...)


class _SolveKernel:
    """Factorise ``I - A`` (or ``I - B``) of each region once; solve on both sides."""

    def __init__(self, has_rhs: bool, has_lhs: bool, ghosh: bool) -> None:
        self.has_rhs = has_rhs
        self.has_lhs = has_lhs
        self.ghosh = ghosh

    def __call__(
        self, z: np.ndarray, x: np.ndarray, keep: np.ndarray, *extra: np.ndarray
    ) -> np.ndarray | tuple[np.ndarray, ...]:
        rhs = extra[0] if self.has_rhs else None
        lhs = extra[-1] if self.has_lhs else None
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
        if rhs is not None:
            rhs_b = np.broadcast_to(rhs, (*batch, *rhs.shape[-2:]))
            out_r = np.empty((*batch, n, rhs.shape[-1]))
            outputs.append(out_r)
        if lhs is not None:
            lhs_b = np.broadcast_to(lhs, (*batch, *lhs.shape[-2:]))
            out_l = np.empty((*batch, lhs.shape[-2], n))
            outputs.append(out_l)
        for idx in np.ndindex(*batch):
            lu, piv = _factor(z_b[idx], x_b[idx], k_b[idx], ghosh=self.ghosh)
            perm = _permutation(piv)
            if rhs is not None:
                out_r[idx] = _solve_m(lu, perm, rhs_b[idx])
            if lhs is not None:
                out_l[idx] = _solve_m_transposed(lu, perm, lhs_b[idx].T).T
        return outputs[0] if len(outputs) == 1 else tuple(outputs)


def _factor(
    z: np.ndarray, x: np.ndarray, keep: np.ndarray, *, ghosh: bool
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
    work.flat[:: n + 1] += 1.0
    lu, piv, info = lapack.dgetrf(work.T, overwrite_a=1)
    if info > 0:
        which = "B" if ghosh else "A"
        raise np.linalg.LinAlgError(
            f"I - {which} is singular (pivot {info} is zero): the model has no unique solution"
        )
    if info < 0:  # pragma: no cover - an argument error in LAPACK
        raise RuntimeError(f"LAPACK dgetrf failed with info={info}")
    return lu, piv


# The factors are of M' = P L U (see _factor). LAPACK's getrs would do the solves below, but
# OpenBLAS runs it multithreaded whatever the size, and on a busy machine each call on a small
# system can then wait a whole scheduler time slice; the triangular solves (trtrs) are
# threaded by size only.


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
        raise np.linalg.LinAlgError(f"LAPACK dtrtrs failed with info={info}")
    return np.asarray(solution)


def _inverse(model: _Model, *, ghosh: bool = False) -> xr.DataArray:
    """The Leontief (or Ghosh) inverse of each region's model, batched and dask-parallel."""
    return xr.apply_ufunc(
        _inverse_kernel,
        model.z,
        model.x,
        model.keep,
        kwargs={"ghosh": ghosh},
        input_core_dims=[["sector", "sector_to"], ["sector"], ["sector"]],
        output_core_dims=[["sector", "sector_to"]],
        dask="parallelized",
        output_dtypes=[float],
        dask_gufunc_kwargs={"allow_rechunk": True},
    )


def _inverse_kernel(
    z: np.ndarray, x: np.ndarray, keep: np.ndarray, *, ghosh: bool = False
) -> np.ndarray:
    n = z.shape[-1]
    batch = np.broadcast_shapes(z.shape[:-2], x.shape[:-1], keep.shape[:-1])
    z_b = np.broadcast_to(z, (*batch, n, n))
    x_b = np.broadcast_to(x, (*batch, n))
    k_b = np.broadcast_to(keep, (*batch, n))
    if int(np.prod(batch)) == 1:
        only = (0,) * len(batch)
        return _invert(z_b[only], x_b[only], k_b[only], ghosh=ghosh).reshape(*batch, n, n)
    out = np.empty((*batch, n, n))
    for idx in np.ndindex(*batch):
        out[idx] = _invert(z_b[idx], x_b[idx], k_b[idx], ghosh=ghosh)
    return out


def _invert(z: np.ndarray, x: np.ndarray, keep: np.ndarray, *, ghosh: bool) -> np.ndarray:
    """``M^-1`` in place: LU of ``M'`` then LAPACK getri gives ``(M')^-1``, whose transpose is
    C-ordered ``M^-1``."""
    lu, piv = _factor(z, x, keep, ghosh=ghosh)
    n = lu.shape[0]
    lwork = _getri_lwork(n)
    inverse, info = lapack.dgetri(lu, piv, lwork=lwork, overwrite_lu=1)
    if info != 0:  # pragma: no cover - singularity is caught by _factor
        raise np.linalg.LinAlgError(f"LAPACK dgetri failed with info={info}")
    return np.asarray(inverse).T


def _getri_lwork(n: int) -> int:
    work, info = lapack.dgetri_lwork(n)
    if info != 0:  # pragma: no cover
        return max(1, n)
    return max(1, int(1.01 * float(np.real(work))))
