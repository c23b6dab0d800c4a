"""Figures for indicators: heatmaps of sector contributions, ratios over time, bars.

:func:`heatmap`, :func:`lines` and :func:`bars` draw on one ``Axes``;
:func:`panels` draws a row of them, one per label of a dimension (a panel per
scope), on one scale with one colour bar or legend; :func:`destinations` draws
the table of :func:`iocirc.indicators.value_added_destinations`.

Needs matplotlib (``pip install 'iocirc[plot]'``). Every function draws on an
``Axes`` (a new figure if none is given), labels axes with the DataArray's
``long_name`` and ``units``, and returns the ``Axes``.

Colour maps follow the data: values of one sign get a sequential map (light
to dark as the magnitude grows), values of both signs a diverging map centred
on zero, so that white means zero and equal distances from zero look alike.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from iocirc.errors import ArgumentError, ArgumentTypeError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "DESTINATION_COLORS",
    "DIVERGING_CMAP",
    "SEQUENTIAL_CMAP",
    "SEQUENTIAL_NEGATIVE_CMAP",
    "bars",
    "choose_colormap",
    "destinations",
    "heatmap",
    "lines",
    "panels",
]

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


def _text(value: Any) -> str:
    """A tick label: the labels of a stacked (MultiIndex) dimension joined by spaces."""
    if isinstance(value, tuple):
        return " ".join(str(v) for v in value)
    return str(value)


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
    y_names: str | None = None,
    wrap: int = 38,
    label_size: float | None = None,
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
    y_names : str, optional
        A coordinate of names along ``y`` (``"sector_en"``): each row is
        labelled with its label, two spaces and the name, wrapped at whole
        words to lines of at most ``wrap`` characters.
    wrap : int
        The width of the lines of ``y_names``.
    label_size : float, optional
        The font size of the row labels.
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
    rotate = max((len(_text(v)) for v in data[x].values), default=0) > 4
    ax.set_xticks(
        range(values.shape[1]),
        [_text(v) for v in data[x].values],
        rotation=30 if rotate else 0,
        ha="right" if rotate else "center",
        rotation_mode="anchor",
    )
    rows = [_text(v) for v in (data[y_labels].values if y_labels else data[y].values)]
    if y_names:
        names = [textwrap.fill(str(n), wrap) for n in data[y_names].values]
        rows = [f"{label}  {name}" for label, name in zip(rows, names, strict=True)]
    ax.set_yticks(range(values.shape[0]), rows, fontsize=label_size)
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


def bars(
    da: xr.DataArray,
    *,
    x: str | None = None,
    hue: str | None = None,
    ax: Axes | None = None,
    horizontal: bool = False,
    stacked: bool = False,
    width: float = 0.8,
    colors: Sequence[str] | None = None,
    rotation: float = 0,
    fontsize: float | None = None,
    zero_line: bool = False,
    grid: bool = True,
) -> Axes:
    """Bars over the labels of ``x``, one series per ``hue`` label, side by side or stacked.

    Parameters
    ----------
    da : xarray.DataArray
        One- or two-dimensional: over ``x`` (and ``hue``). A stacked
        dimension (``da.stack(case=("region", "year"))``) gives labels such
        as ``"Liaoning 2017"``.
    x, hue : str, optional
        The dimension of the bars' positions and the one of the series.
        Default: the first and the second dimension.
    ax : matplotlib Axes, optional
    horizontal : bool
        Horizontal bars, the first label at the top.
    stacked : bool
        Stack the series (each bar starts where the previous one ends) instead
        of placing them side by side.
    width : float
        The width of a position's bars together.
    colors : sequence of str, optional
        A colour per series.
    rotation : float
        Rotation of the category labels (anchored at their end).
    fontsize : float, optional
        Size of the category labels.
    zero_line : bool
        Draw a line at zero along the categories.
    grid : bool
        Grid lines across the value axis.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Positions where every series is NaN are left out.

    Examples
    --------
    >>> import xarray as xr, iocirc.plotting
    >>> da = xr.DataArray([[1.0, 2.0], [-0.5, 3.0]], dims=("region", "measure"),
    ...                   coords={"region": ["Jilin", "Liaoning"], "measure": ["a", "b"]},
    ...                   attrs={"long_name": "share", "units": "%"})
    >>> ax = iocirc.plotting.bars(da, x="region", hue="measure")
    >>> [t.get_text() for t in ax.get_xticklabels()], ax.get_ylabel()
    (['Jilin', 'Liaoning'], 'share [%]')
    """
    plt = _pyplot()
    if da.ndim == 1:
        x = x or str(da.dims[0])
        series_labels: list[Any] = [None]
    else:
        x, hue = _default_dims(da, x, hue)
        series_labels = list(da[hue].values)
    data = da.transpose(x, ...) if da.ndim == 1 else da.transpose(x, hue)
    values = np.asarray(data.values, dtype=float).reshape(data.shape[0], -1)
    keep = ~np.isnan(values).all(axis=1)
    values = values[keep]
    names = [_text(v) for v, k in zip(data[x].values, keep, strict=True) if k]
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4.0, 0.6 * len(names) + 2), 4), layout="constrained")
    positions = np.arange(len(names), dtype=float)
    start = np.zeros(len(names))
    each = width if stacked else width / len(series_labels)
    draw = ax.barh if horizontal else ax.bar
    for i, label in enumerate(series_labels):
        where = positions if stacked else positions + (i - (len(series_labels) - 1) / 2) * each
        kwargs: dict[str, Any] = {"label": None if label is None else str(label)}
        if colors is not None:
            kwargs["color"] = colors[i]
        if stacked:
            kwargs["left" if horizontal else "bottom"] = list(start)
        kwargs["height" if horizontal else "width"] = each
        draw(list(where), list(values[:, i]), **kwargs)
        start = start + values[:, i]
    ticks: dict[str, Any] = {"rotation": rotation, "fontsize": fontsize}
    if rotation:
        ticks.update(ha="right", rotation_mode="anchor")
    if horizontal:
        ax.set_yticks(list(positions), names, **ticks)
        if not ax.yaxis_inverted():
            ax.invert_yaxis()
        ax.set_xlabel(_label(da))
    else:
        ax.set_xticks(list(positions), names, **ticks)
        ax.set_ylabel(_label(da))
    if zero_line:
        (ax.axvline if horizontal else ax.axhline)(0, color="black", linewidth=0.8)
    if grid:
        ax.grid(axis="x" if horizontal else "y", alpha=0.3)
    return ax


def panels(
    da: xr.DataArray,
    *,
    col: str,
    kind: str,
    titles: Mapping[Any, str] | None = None,
    figsize: tuple[float, float] | None = None,
    sharex: bool = False,
    sharey: bool = False,
    width_ratios: Sequence[float] | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    xlim: tuple[float, float] | None = None,
    legend: bool = False,
    suptitle: str = "",
    **kwargs: Any,
) -> Figure:
    """A row of panels, one per label of ``col``, drawn alike on one scale.

    Parameters
    ----------
    da : xarray.DataArray
        The values, over ``col`` and the dimensions of one panel.
    col : str
        The dimension whose labels make the panels.
    kind : {"heatmap", "lines", "bars"}
        :func:`heatmap`, :func:`lines` or :func:`bars`, called for each panel
        with ``kwargs``. Heatmaps share one colour range (symmetric around zero
        when the values take both signs) and one colour bar, labelled with
        ``da``'s ``long_name`` and ``units``.
    titles : mapping, optional
        The title of each panel by label of ``col``; default the label.
    figsize : (float, float), optional
    sharex, sharey : bool
        Share the axes' ranges.
    width_ratios : sequence of float, optional
        Relative widths of the panels.
    xlabel, ylabel : str, optional
        Axis labels instead of those the panels draw; the vertical axis is
        labelled on the first panel only.
    xlim : (float, float), optional
        The range of every panel's horizontal axis.
    legend : bool
        One legend under the panels, from the last panel's series.
    suptitle : str
        The figure's title.
    **kwargs
        Passed to the plotting function.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import xarray as xr, iocirc.plotting
    >>> da = xr.DataArray([[[1.0, -2.0]], [[0.5, 3.0]]], dims=("scope", "sector", "region"),
    ...                   coords={"scope": ["domestic", "dual"], "sector": ["A"],
    ...                           "region": ["Jilin", "Liaoning"]})
    >>> fig = iocirc.plotting.panels(da, col="scope", kind="heatmap", x="region", y="sector")
    >>> [ax.get_title() for ax in fig.axes[:2]]
    ['domestic', 'dual']
    """
    plt = _pyplot()
    from iocirc._core import check_choice

    check_choice("kind", kind, ("heatmap", "lines", "bars"))
    if not isinstance(da, xr.DataArray):
        raise ArgumentTypeError(f"panels takes an xarray.DataArray, not {type(da).__name__}")
    if col not in da.dims:
        raise ArgumentError(
            f"panels: col={col!r} is not a dimension of the data; it has {list(da.dims)}"
        )
    plots: dict[str, Callable[..., Axes]] = {"heatmap": heatmap, "lines": lines, "bars": bars}
    plot = plots[kind]
    labels = list(da[col].values)
    fig, axes = plt.subplots(
        1,
        len(labels),
        figsize=figsize,
        layout="constrained",
        sharex=sharex,
        sharey=sharey,
        squeeze=False,
        width_ratios=width_ratios,
    )
    axes = list(axes[0])
    options = dict(kwargs)
    if kind == "heatmap":
        _, low, high = choose_colormap(
            da.values, vmin=options.pop("vmin", None), vmax=options.pop("vmax", None)
        )
        options.update(vmin=low, vmax=high, colorbar=False)
    if kind == "lines":
        options.setdefault("legend", False)
    for ax, label in zip(axes, labels, strict=True):
        panel = da.sel({col: label}).assign_attrs(da.attrs)
        plot(panel, ax=ax, **options)
        ax.set_title((titles or {}).get(label, str(label)))
        if xlabel is not None:
            ax.set_xlabel(xlabel)
        if xlim is not None:
            ax.set_xlim(*xlim)
        if ax is not axes[0]:
            ax.set_ylabel("")
    if ylabel is not None:
        axes[0].set_ylabel(ylabel)
    if kind == "heatmap":
        fig.colorbar(axes[0].images[0], ax=axes, shrink=0.6, label=_label(da))
    if legend:
        handles, names = axes[-1].get_legend_handles_labels()
        fig.legend(handles, names, loc="outside lower center", ncol=len(names), frameon=False)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


#: Colours of the parts of :func:`destinations` (own region, rest of the nation, abroad).
DESTINATION_COLORS: tuple[str, ...] = ("#4c72b0", "#dd8452", "#55a868")


def destinations(
    table: pd.DataFrame,
    *,
    figsize: tuple[float, float] = (12, 4.8),
    colors: Sequence[str] = DESTINATION_COLORS,
    suptitle: str = "",
) -> Figure:
    """Where GDP is absorbed, and value-chain trade: a figure of a destinations table.

    Parameters
    ----------
    table : pandas.DataFrame
        The tidy table of :func:`iocirc.indicators.value_added_destinations`
        in percent (``percent=True``), of one or more years, its labels
        possibly renamed (``"own"`` for ``"own_region"``...).
    figsize : (float, float)
    colors : sequence of str
        A colour per destination; the second also colours the value chains.
    suptitle : str
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        Left: a bar per region and year (regions in the table's order, years
        ascending), stacked by where the value added traced to final demand
        is absorbed. Right: value-chain participation with the rest of the
        nation, in % of GDP.

    Examples
    --------
    >>> import pandas as pd, iocirc.plotting
    >>> table = pd.DataFrame({"region": "Jilin", "year": 2017,
    ...     "measure": ["absorbed"] * 3 + ["chain"] * 2,
    ...     "label": ["own_region", "rest_of_nation", "abroad", "national", "abroad"],
    ...     "value": [50.0, 40.0, 10.0, 30.0, 0.0]})
    >>> fig = iocirc.plotting.destinations(table)
    >>> [ax.get_title() for ax in fig.axes]
    ['GDP by where it is absorbed', 'Value-chain trade with national']
    """
    import pandas as pd

    columns = ["measure", "label", "region", "year", "value"]
    if not isinstance(table, pd.DataFrame):
        raise ArgumentTypeError(
            "destinations takes the table of iocirc.indicators.value_added_destinations "
            f"(a pandas.DataFrame), not {type(table).__name__}"
        )
    lacking = [c for c in columns if c not in table.columns]
    if lacking or not (table["measure"] == "chain").any():
        raise ArgumentError(
            f"destinations: the table lacks the column(s) {lacking} or its 'chain' rows; pass "
            "the table of iocirc.indicators.value_added_destinations"
        )
    plt = _pyplot()
    shares = table.set_index(["measure", "label", "region", "year"])["value"].to_xarray()
    regions = list(dict.fromkeys(table["region"]))
    shares = shares.sel(region=regions).stack(case=("region", "year"))
    absorbed = list(dict.fromkeys(table.loc[table["measure"] == "absorbed", "label"]))
    chain = str(table.loc[table["measure"] == "chain", "label"].iloc[0])
    fig, (left, right) = plt.subplots(1, 2, figsize=figsize, layout="constrained", sharey=True)
    bars(
        shares.sel(measure="absorbed", label=absorbed),
        x="case",
        hue="label",
        ax=left,
        horizontal=True,
        stacked=True,
        colors=list(colors),
        grid=False,
    )
    left.set_xlim(0, 100)
    left.set_xlabel("% of the value added traced to final demand")
    left.set_title("GDP by where it is absorbed")
    legend = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.14), "frameon": False}
    left.legend(title="final demand of", ncol=len(absorbed), **legend)
    # Value chains abroad are zero when exports end at the border: not drawn.
    chains = shares.sel(measure="chain", label=chain)
    bars(chains, x="case", ax=right, horizontal=True, width=0.6, colors=[colors[1]])
    right.set_xlabel("% of GDP")
    right.set_title(f"Value-chain trade with {chain}")
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
