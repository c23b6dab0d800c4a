"""``xarray.apply_ufunc`` for the models' kernels, as dask steps that fuse.

:func:`xarray.apply_ufunc` with ``dask="parallelized"`` goes through
:func:`dask.array.apply_gufunc`, which adds a materialised layer after every call (even
with one output): dask cannot fuse across it, so each kernel, check and arithmetic step
becomes a task of its own per chunk. :func:`apply` builds the same result from
:func:`dask.array.blockwise` layers only (one per kernel, one per output taken out of
it), which dask fuses with the steps before and after them: a handful of tasks per
region chunk, whatever the number of steps. On numpy data it is ``xarray.apply_ufunc``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np
import xarray as xr


def apply(
    func: Callable[..., Any],
    *args: xr.DataArray,
    input_core_dims: Sequence[Sequence[Hashable]],
    output_core_dims: Sequence[Sequence[Hashable]],
    output_dtypes: Sequence[Any],
    output_sizes: dict[Hashable, int] | None = None,
    kwargs: dict[str, Any] | None = None,
) -> Any:
    """``xr.apply_ufunc(func, *args, ...)``: a DataArray, or a tuple of them for several
    outputs. Core dimensions are taken whole (one chunk) on dask data."""
    sizes = dict(output_sizes or {})
    for arg, core in zip(args, input_core_dims, strict=True):
        for d in core:
            sizes.setdefault(d, arg.sizes[d])
    lazy = any(a.chunks is not None for a in args)
    call = func if not kwargs else _Bound(func, kwargs)
    if lazy:
        call = _Blockwise(call, input_core_dims, output_core_dims, output_dtypes, sizes)
    return xr.apply_ufunc(
        call,
        *args,
        input_core_dims=[list(c) for c in input_core_dims],
        output_core_dims=[list(c) for c in output_core_dims],
        dask="allowed",
    )


class _Bound:
    def __init__(self, func: Callable[..., Any], kwargs: dict[str, Any]) -> None:
        self.func = func
        self.kwargs = kwargs

    def __call__(self, *arrays: Any) -> Any:
        return self.func(*arrays, **self.kwargs)


class _Blockwise:
    """Called by ``apply_ufunc(dask="allowed")`` with the arrays, core dimensions last."""

    def __init__(
        self,
        func: Callable[..., Any],
        input_core_dims: Sequence[Sequence[Hashable]],
        output_core_dims: Sequence[Sequence[Hashable]],
        output_dtypes: Sequence[Any],
        sizes: dict[Hashable, int],
    ) -> None:
        self.func = func
        self.input_core_dims = [tuple(c) for c in input_core_dims]
        self.output_core_dims = [tuple(c) for c in output_core_dims]
        self.output_dtypes = list(output_dtypes)
        self.sizes = sizes

    def __call__(self, *arrays: Any) -> Any:
        import dask.array as dsa

        arrays = tuple(
            a if isinstance(a, dsa.Array) else dsa.from_array(np.asarray(a), chunks=-1)
            for a in arrays
        )
        loops = [a.ndim - len(c) for a, c in zip(arrays, self.input_core_dims, strict=True)]
        n_loop = max(loops, default=0)
        pairs: list[Any] = []
        for a, core, n in zip(arrays, self.input_core_dims, loops, strict=True):
            index = tuple(f"loop-{i}" for i in range(n_loop - n, n_loop)) + tuple(
                f"core-{d}" for d in core
            )
            if any(len(c) > 1 for c in a.chunks[n:]):
                a = a.rechunk(dict.fromkeys(range(n, a.ndim), -1))
            pairs.extend([a, index])
        loop = tuple(f"loop-{i}" for i in range(n_loop))
        outputs = self.output_core_dims
        if len(outputs) == 1:
            core = outputs[0]
            return dsa.blockwise(
                _Unwrapped(self.func),
                loop + tuple(f"core-{d}" for d in core),
                *pairs,
                new_axes=self._new_axes(core),
                concatenate=False,
                meta=np.empty((0,) * (n_loop + len(core)), dtype=self.output_dtypes[0]),
            )
        # One task per block computes every output (a tuple, over the loop axes only); each
        # output is then a blockwise step taking its item, which fuses with what follows.
        tmp = dsa.blockwise(
            _as_tuple(self.func),
            loop,
            *pairs,
            concatenate=False,
            meta=np.empty((0,) * n_loop),
        )
        results = []
        for i, (core, dtype) in enumerate(zip(outputs, self.output_dtypes, strict=True)):
            results.append(
                dsa.blockwise(
                    operator.getitem,
                    loop + tuple(f"core-{d}" for d in core),
                    tmp,
                    loop,
                    i,
                    None,
                    new_axes={f"core-{d}": self.sizes[d] for d in core},
                    meta=np.empty((0,) * (n_loop + len(core)), dtype=dtype),
                )
            )
        return tuple(results)

    def _new_axes(self, core: Sequence[Hashable]) -> dict[str, int]:
        inputs = {d for c in self.input_core_dims for d in c}
        return {f"core-{d}": self.sizes[d] for d in core if d not in inputs}


class _as_tuple:
    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func

    def __call__(self, *arrays: Any) -> tuple[Any, ...]:
        return tuple(self.func(*map(_unwrap, arrays)))


class _Unwrapped:
    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func

    def __call__(self, *arrays: Any) -> Any:
        return self.func(*map(_unwrap, arrays))


def _unwrap(block: Any) -> Any:
    """The one block of a core dimension (dask passes a list of the blocks along a
    dimension the output lacks; there is one, the core dimensions being whole): without
    dask's concatenation, which copies and costs more than the step itself."""
    while isinstance(block, list):
        (block,) = block
    return block
