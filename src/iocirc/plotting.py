"""Figures for indicators: heatmaps of sector contributions, ratios over time.

Needs matplotlib (``pip install 'iocirc[plot]'``). Every function draws on an
``Axes`` (a new figure if none is given), labels axes with the DataArray's
``long_name`` and ``units``, and returns the ``Axes``.

Colour maps follow the data: values of one sign get a sequential map (light
to dark as the magnitude grows), values of both signs a diverging map centred
on zero, so that white means zero and equal distances from zero look alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from iocirc.errors import ArgumentError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["choose_colormap", "heatmap", "lines"]

#: Colour maps: values of both signs, positive values, negative values.
DIVERGING_CMAP = "RdBu_r"
SEQUENTIAL_CMAP = "Blues"
SEQUENTIAL_NEGATIVE_CMAP = "Reds_r"


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


def choose_colormap(
    values: Any, *, vmin: float | None = None, vmax: float | None = None
) -> tuple[str, float, float]:
    """A colour map and its range for ``values``: sequential or diverging.

    Parameters
    ----------
    values : array-like
        The values to colour (NaN ignored).
    vmin, vmax : float, optional
        A range to use instead of the data's (for one scale over several
        panels). A range that spans zero gives a diverging map.

    Returns
    -------
    (str, float, float)
        The colour map's name and the range: ``(DIVERGING_CMAP, -m, m)``
        symmetric around zero when the values (or the range) take both signs,
        ``(SEQUENTIAL_CMAP, 0, max)`` for values >= 0, and
        ``(SEQUENTIAL_NEGATIVE_CMAP, min, 0)`` for values <= 0.

    Examples
    --------
    >>> choose_colormap([1.0, 3.0])
    ('Blues', 0.0, 3.0)
    >>> choose_colormap([-1.0, 3.0])
    ('RdBu_r', -3.0, 3.0)
    >>> choose_colormap([-2.0, -1.0])
    ('Reds_r', -2.0, 0.0)
    """
    data = np.asarray(values, dtype=float)
    finite = data[np.isfinite(data)]
    low = float(finite.min()) if vmin is None and finite.size else (vmin or 0.0)
    high = float(finite.max()) if vmax is None and finite.size else (vmax or 0.0)
    if low >= 0:
        return SEQUENTIAL_CMAP, low if vmin is not None else 0.0, high if high > low else low + 1.0
    if high <= 0:
        return SEQUENTIAL_NEGATIVE_CMAP, low, high if vmax is not None else 0.0
    limit = max(abs(low), abs(high))
    return DIVERGING_CMAP, -limit, limit


def _default_dims(da: xr.DataArray, x: str | None, other: str | None) -> tuple[str, str]:
    """The two dimensions of a 2-D DataArray, filling in those not given."""
    if da.ndim != 2:
        raise ArgumentError(
            f"needs a 2-D DataArray; got dims {da.dims} (select or reduce the others first)"
        )
    dims = [str(d) for d in da.dims]
    for name, given in (("x", x), ("the other dimension", other)):
        if given is not None and given not in dims:
            raise ArgumentError(
                f"{name} {given!r} is not a dimension of the DataArray {tuple(dims)}"
            )
    if x is None:
        x = next((d for d in dims if d != other), dims[1])
    if other is None:
        other = next(d for d in dims if d != x)
    if x == other:
        raise ArgumentError(f"the two dimensions must differ; got {x!r} twice")
    return x, other


def heatmap(
    da: xr.DataArray,
    *,
    x: str | None = None,
    y: str | None = None,
    ax: Axes | None = None,
    annotate: bool = True,
    fmt: str = "{:.1f}",
    y_labels: str | None = None,
    cmap: str | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    colorbar: bool = True,
) -> Axes:
    """A heatmap of a 2-D indicator, coloured by a map chosen from the data.

    Parameters
    ----------
    da : xarray.DataArray
        Two-dimensional, e.g. contributions over (section, province).
    x, y : str, optional
        Dimensions for the columns and rows. Default: rows along the first
        dimension of ``da``, columns along the second.
    ax : matplotlib Axes, optional
    annotate : bool
        Write each value in its cell.
    fmt : str
        Format of the annotations.
    y_labels : str, optional
        A coordinate along ``y`` to label rows with (e.g. section names).
    cmap : str, optional
        A matplotlib colour map. Default: chosen from the data by
        :func:`choose_colormap`, sequential for values of one sign and
        diverging, symmetric around zero, for values of both signs.
    vmin, vmax : float, optional
        The colour range (default: from the data, symmetric around zero for a
        diverging map). Give the same range to every panel of a figure so that
        a colour means one value throughout.
    colorbar : bool
        Draw a colour bar beside the axes (turn it off to draw one for
        several panels: ``fig.colorbar(ax.images[0], ax=axes)``).

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
    if x is None and y is None and da.ndim == 2:
        y, x = (str(d) for d in da.dims)
    x, y = _default_dims(da, x, y)
    data = da.transpose(y, x)
    values = np.asarray(data.values, dtype=float)
    if ax is None:
        height = max(3.0, 0.32 * values.shape[0] + 1.5)
        width = max(4.0, 0.9 * values.shape[1] + 3.0)
        _, ax = plt.subplots(figsize=(width, height), layout="constrained")
    chosen, low, high = choose_colormap(values, vmin=vmin, vmax=vmax)
    if cmap is None:
        cmap = chosen
    limit = max(abs(low), abs(high)) or 1.0
    image = ax.imshow(values, cmap=cmap, vmin=low, vmax=high, aspect="auto")
    rotate = max((len(str(v)) for v in data[x].values), default=0) > 4
    ax.set_xticks(
        range(values.shape[1]),
        [str(v) for v in data[x].values],
        rotation=30 if rotate else 0,
        ha="right" if rotate else "center",
        rotation_mode="anchor",
    )
    rows = data[y_labels].values if y_labels else data[y].values
    ax.set_yticks(range(values.shape[0]), [str(v) for v in rows])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    if annotate:
        for (i, j), value in np.ndenumerate(values):
            if np.isfinite(value):
                dark = abs(value) > 0.55 * limit
                ax.text(
                    j,
                    i,
                    _unsigned_zero(fmt.format(value)),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if dark else "black",
                )
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label=_label(da))
    return ax


def lines(
    da: xr.DataArray,
    *,
    x: str | None = None,
    hue: str | None = None,
    ax: Axes | None = None,
    marker: str = "o",
    styles: Mapping[str, Mapping[str, Any]] | None = None,
    legend: bool = True,
) -> Axes:
    """One line per ``hue`` label over ``x`` (e.g. circulation ratios by year).

    Parameters
    ----------
    da : xarray.DataArray
        Two-dimensional, over ``x`` and ``hue``.
    x, hue : str, optional
        The dimension along the horizontal axis and the one that makes lines.
        Default: ``x`` is ``"year"`` if ``da`` has that dimension, else its
        last one; ``hue`` the other.
    ax : matplotlib Axes, optional
    marker : str
        Marker of the points.
    styles : mapping, optional
        Keyword arguments of :meth:`matplotlib.axes.Axes.plot` by ``hue``
        label, to set a line apart (``{"National": {"color": "black",
        "linestyle": "--"}}``).
    legend : bool
        Draw a legend on the axes (turn it off to draw one for several
        panels with ``fig.legend``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import xarray as xr, iocirc.plotting
    >>> da = xr.DataArray([[1.4, 1.6], [1.1, 1.3]], dims=("region", "year"),
    ...                   coords={"region": ["Liaoning", "Jilin"], "year": [2012, 2017]},
    ...                   attrs={"long_name": "dual circulation ratio", "units": "1"})
    >>> ax = iocirc.plotting.lines(da)
    >>> [line.get_label() for line in ax.get_lines()], ax.get_xlabel()
    (['Liaoning', 'Jilin'], 'year')
    """
    plt = _pyplot()
    if x is None and "year" in da.dims and hue != "year":
        x = "year"
    if x is None and hue is None and da.ndim == 2:
        x = str(da.dims[-1])
    x, hue = _default_dims(da, x, hue)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    styles = styles or {}
    for label in da[hue].values:
        series = da.sel({hue: label})
        kwargs: dict[str, Any] = {"marker": marker, "label": str(label)}
        kwargs.update(styles.get(str(label), {}))
        ax.plot(series[x].values, series.values, **kwargs)
    ax.set_xlabel(x)
    ax.set_ylabel(_label(da))
    ax.set_xticks(list(da[x].values))
    if legend:
        ax.legend(title=hue)
    ax.grid(alpha=0.3)
    return ax


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
