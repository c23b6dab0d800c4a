"""Figures for indicators: heatmaps of sector contributions, ratios over time.

Needs matplotlib (``pip install 'iocirc[plot]'``). Every function draws on an
``Axes`` (a new figure if none is given), labels axes with the DataArray's
``long_name`` and ``units``, and returns the ``Axes``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["heatmap", "lines"]


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "iocirc.plotting needs matplotlib; install it with pip install 'iocirc[plot]'"
        ) from err
    return plt


def _unsigned_zero(text: str) -> str:
    """'-0.0' -> '0.0': a value that rounds to zero has no sign worth showing."""
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def _label(da: xr.DataArray) -> str:
    name = da.attrs.get("long_name", da.name or "")
    units = da.attrs.get("units")
    return f"{name} [{units}]" if units else str(name)


def heatmap(
    da: xr.DataArray,
    *,
    x: str,
    y: str,
    ax: Axes | None = None,
    annotate: bool = True,
    fmt: str = "{:.1f}",
    y_labels: str | None = None,
    cmap: str = "RdBu_r",
) -> Axes:
    """A diverging heatmap of a 2-D indicator, centred on zero.

    Parameters
    ----------
    da : xarray.DataArray
        Two-dimensional (after stacking ``x`` if it names several dims is not
        supported: reshape first), e.g. contributions over (section, province).
    x, y : str
        Dimensions for the columns and rows.
    ax : matplotlib Axes, optional
    annotate : bool
        Write each value in its cell.
    fmt : str
        Format of the annotations.
    y_labels : str, optional
        A coordinate along ``y`` to label rows with (e.g. section names).
    cmap : str
        A diverging colormap; the colour scale is symmetric around 0.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import xarray as xr, iocirc.plotting
    >>> da = xr.DataArray([[1.0, -2.0], [0.5, 3.0]], dims=("sector", "region"),
    ...                   coords={"sector": ["A", "B"], "region": ["Jilin", "Liaoning"]},
    ...                   attrs={"long_name": "contribution", "units": "%"})
    >>> ax = iocirc.plotting.heatmap(da, x="region", y="sector")
    >>> ax.get_xticklabels()[1].get_text()
    'Liaoning'
    """
    plt = _pyplot()
    if set(da.dims) != {x, y}:
        raise ValueError(f"heatmap needs a 2-D DataArray over ({y!r}, {x!r}); got dims {da.dims}")
    data = da.transpose(y, x)
    values = np.asarray(data.values, dtype=float)
    if ax is None:
        height = max(3.0, 0.32 * values.shape[0] + 1.5)
        width = max(4.0, 0.9 * values.shape[1] + 3.0)
        _, ax = plt.subplots(figsize=(width, height), layout="constrained")
    limit = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
    image = ax.imshow(values, cmap=cmap, vmin=-limit, vmax=limit, aspect="auto")
    ax.set_xticks(range(values.shape[1]), [str(v) for v in data[x].values], rotation=30)
    rows = data[y_labels].values if y_labels else data[y].values
    ax.set_yticks(range(values.shape[0]), [str(v) for v in rows])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    if annotate:
        for (i, j), value in np.ndenumerate(values):
            if np.isfinite(value):
                dark = abs(value) > 0.6 * limit
                ax.text(
                    j,
                    i,
                    _unsigned_zero(fmt.format(value)),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if dark else "black",
                )
    ax.figure.colorbar(image, ax=ax, label=_label(da))
    return ax


def lines(
    da: xr.DataArray,
    *,
    x: str,
    hue: str,
    ax: Axes | None = None,
    marker: str = "o",
) -> Axes:
    """One line per ``hue`` label over ``x`` (e.g. circulation ratios by year).

    Parameters
    ----------
    da : xarray.DataArray
        Two-dimensional, over ``x`` and ``hue``.
    x, hue : str
        The dimension along the horizontal axis and the one that makes lines.
    ax : matplotlib Axes, optional
    marker : str
        Marker of the points.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import xarray as xr, iocirc.plotting
    >>> da = xr.DataArray([[1.4, 1.6], [1.1, 1.3]], dims=("region", "year"),
    ...                   coords={"region": ["Liaoning", "Jilin"], "year": [2012, 2017]},
    ...                   attrs={"long_name": "dual circulation ratio", "units": "1"})
    >>> ax = iocirc.plotting.lines(da, x="year", hue="region")
    >>> [line.get_label() for line in ax.get_lines()]
    ['Liaoning', 'Jilin']
    """
    plt = _pyplot()
    if set(da.dims) != {x, hue}:
        raise ValueError(f"lines needs a 2-D DataArray over ({hue!r}, {x!r}); got dims {da.dims}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    for label in da[hue].values:
        series = da.sel({hue: label})
        ax.plot(series[x].values, series.values, marker=marker, label=str(label))
    ax.set_xlabel(x)
    ax.set_ylabel(_label(da))
    ax.set_xticks(list(da[x].values))
    ax.legend(title=hue)
    ax.grid(alpha=0.3)
    return ax
