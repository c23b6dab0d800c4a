"""Aggregating tables over sectors and indicators over regions.

:func:`aggregate_sectors` sums a whole table to a coarser sector
classification (the 42 product sectors to the 19 sections of GB/T 4754, say);
the accounting identities survive because they are sums. :func:`aggregate_regions`
turns a per-region indicator into a national figure, or a figure per group of
regions, as a GDP-weighted or a plain mean.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from iocirc._core import check_array, check_choice, check_labels, check_table, group_members
from iocirc.errors import ArgumentTypeError, SchemaError
from iocirc.indicators import gdp
from iocirc.schema import VARIABLES

__all__ = ["NATIONAL", "aggregate_regions", "aggregate_sectors"]

#: The label of the group of all regions in :func:`aggregate_regions`.
NATIONAL = "National"

_SECTOR_DIMS = ("sector", "sector_to")


def aggregate_sectors(
    ds: xr.Dataset,
    concordance: str | pd.Series | xr.DataArray | Mapping[str, str],
    *,
    names: pd.DataFrame | Mapping[str, Mapping[str, str]] | None = None,
    classification: str | None = None,
) -> xr.Dataset:
    """Sum a table's sectors to another classification.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    concordance : str, pandas.Series, xarray.DataArray or mapping
        The name of a concordance shipped with iocirc (``"gbt4754"``, see
        :data:`iocirc.classifications.CONCORDANCE_TARGETS`), taken for the
        vintage of the table's ``year`` attribute, with the target names by
        default (GB/T 4754 section names). Or the target label of every
        sector of the table: a Series indexed by
        sector code (such as :func:`iocirc.classifications.concordance`), a
        DataArray over ``sector`` (:func:`iocirc.classifications.concordance_array`)
        or a dict. Each sector of the table must be mapped exactly once, and
        the concordance may name no other sector.
    names : pandas.DataFrame or mapping, optional
        Names of the target labels for the coordinates ``sector_zh`` and
        ``sector_en``: a DataFrame indexed by target label with columns ``zh``
        and/or ``en`` (such as :func:`iocirc.classifications.gbt4754_sections`),
        or ``{"zh": {label: name}, "en": {label: name}}``. Without it the names
        are empty strings (the section names for a shipped concordance).
    classification : str, optional
        The ``classification`` attribute of the result. Default: the
        concordance's ``target`` attribute if it has one, else
        ``"<old classification>, aggregated"``.

    Returns
    -------
    xarray.Dataset
        A new table with the target labels, in sorted order, on both ``sector``
        and ``sector_to``. Every variable with a sector dimension is summed
        over the sectors of each target (a flow a region does not report stays
        NaN); other variables are carried over. The attribute
        ``aggregated_from`` holds the old classification.

    Raises
    ------
    SchemaError
        Sectors of the table the concordance does not map, codes it maps that
        the table lacks, codes mapped twice, or target labels without names.

    Notes
    -----
    With the 0/1 concordance matrix :math:`C` (sectors by targets),
    :math:`Z' = C^\\top Z C`, :math:`F' = C^\\top F`, :math:`V' = V C` and
    :math:`x' = C^\\top x`, so both identities of the table hold for the result
    whenever they hold for the input.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.aggregation import aggregate_sectors
    >>> ds = iocirc.datasets.example_table()
    >>> to_three = {"01": "A", "02": "B", "03": "B", "04": "B", "05": "C", "06": "C"}
    >>> small = aggregate_sectors(ds, to_three, names={"en": {"A": "Farm", "B": "Industry",
    ...                                                       "C": "Other"}})
    >>> list(small.indexes["sector"]), small["sector_en"].values.tolist()
    (['A', 'B', 'C'], ['Farm', 'Industry', 'Other'])
    >>> iocirc.validate(small) is small
    True
    >>> aggregate_sectors(ds, "gbt4754")  # the official 42 sectors only, not these six
    Traceback (most recent call last):
    ...
    iocirc.errors.SchemaError: the concordance maps the code(s) ['07', ...
    >>> aggregate_sectors(ds, {"01": "A"})
    Traceback (most recent call last):
    ...
    iocirc.errors.SchemaError: the concordance does not map the sector(s) ['02', ...
    """
    present = tuple(name for name in VARIABLES if name in getattr(ds, "data_vars", {}))
    ds = check_table(ds, present, purpose="aggregate_sectors")
    for dim in _SECTOR_DIMS:
        if dim not in ds.indexes:
            raise SchemaError(f"aggregate_sectors: the table has no {dim!r} index")
    sectors = [str(s) for s in ds.indexes["sector"]]
    if isinstance(concordance, str):
        concordance, shipped_names = _shipped_concordance(ds, concordance)
        names = shipped_names if names is None else names
    mapping = _concordance_series(concordance)
    _check_concordance(mapping, sectors)
    labels = [str(mapping[s]) for s in sectors]
    targets = sorted(set(labels))
    target_names = _target_names(names, targets)

    aggregated: dict[Hashable, xr.DataArray] = {}
    for name, var in ds.data_vars.items():
        dims = [d for d in _SECTOR_DIMS if d in var.dims]
        if not dims:
            continue
        summed = var.drop_vars([c for c in var.coords if c not in var.dims and _on(var, c)])
        for dim in dims:
            key = f"_{dim}_target"
            summed = summed.assign_coords({key: (dim, labels)})
            summed = summed.groupby(key).sum(skipna=False).rename({key: dim})
        aggregated[name] = summed.transpose(*var.dims).assign_attrs(var.attrs)

    out = ds.drop_dims(list(_SECTOR_DIMS))
    out = out.assign(aggregated)[list(ds.data_vars)]
    coords: dict[str, Any] = {}
    for dim in _SECTOR_DIMS:
        coords[dim] = targets
        for suffix in ("zh", "en"):
            coords[f"{dim}_{suffix}"] = (dim, target_names[suffix])
    out = out.assign_coords(coords)
    old = str(ds.attrs.get("classification", "unknown"))
    target_attr = _attrs_of(concordance).get("target")
    if classification is None:
        classification = str(target_attr) if target_attr else f"{old}, aggregated"
    out.attrs = {**ds.attrs, "classification": classification, "aggregated_from": old}
    return out.copy(deep=True)  # never sharing memory (region coordinates) with the input


def aggregate_regions(
    indicator: xr.DataArray,
    *,
    weights: Literal["gdp"] | xr.DataArray | pd.Series | None = "gdp",
    groups: Mapping[str, Iterable[str]] | None = None,
    ds: xr.Dataset | None = None,
    on_missing: Literal["raise", "skip"] = "raise",
) -> xr.DataArray:
    """The national value of a per-region indicator, or the value of groups of regions.

    Parameters
    ----------
    indicator : xarray.DataArray
        Values over ``region`` (and anything else: ``sector``, ``year``, ...),
        such as the result of :func:`iocirc.circulation_ratio`.
    weights : "gdp", xarray.DataArray, pandas.Series or None
        ``"gdp"`` (default) weights each region by its GDP: the ``gdp``
        coordinate that the indicator functions of :mod:`iocirc.indicators`
        attach, else the GDP of ``ds``. A DataArray or Series over ``region``
        gives explicit weights. ``None`` takes the plain (unweighted) mean.
    groups : mapping of str to list of str, optional
        Group name -> member regions, e.g. :data:`iocirc.regions.REGION_GROUPS`.
        Default: one group, ``"National"``, of all the indicator's regions.
    ds : xarray.Dataset, optional
        The table the indicator comes from, for GDP weights when the indicator
        carries no ``gdp`` coordinate.
    on_missing : {"raise", "skip"}
        What to do about group members the indicator lacks (for example Tibet,
        absent from the 2002 and 2007 tables): raise, or average over the
        members present.

    Returns
    -------
    xarray.DataArray
        The indicator with its ``region`` dimension replaced by the group names,
        other dimensions kept, the indicator's attributes plus ``cell_methods``
        (``"region: mean (weighted by GDP)"`` or ``"region: mean"``), and when
        GDP is known a ``gdp`` coordinate holding each group's total GDP (so
        groups can be aggregated further). Regions where the indicator is NaN
        are left out of the mean and, on numpy data, out of the group's
        ``gdp`` too (which then has the indicator's other dimensions where the
        NaN are), so that aggregating further weights each group by the GDP it
        represents.

    Raises
    ------
    SchemaError
        The indicator has no ``region`` dimension or repeats a region label, a
        group names regions the indicator lacks (with ``on_missing="raise"``),
        lists a member twice or is empty, GDP weights are asked for but not
        available, or weights are NaN, infinite or negative, or all zero in a
        group (a single zero weight is allowed: it leaves the region out).

    Notes
    -----
    With weights :math:`w_r` the value of group :math:`G` is

    .. math:: \\bar y_G = \\frac{\\sum_{r \\in G} w_r y_r}{\\sum_{r \\in G} w_r}

    With GDP weights the mean of a ratio to GDP, :math:`y_r = a_r / \\mathrm{GDP}_r`,
    is the ratio of the sums, :math:`\\sum a_r / \\sum \\mathrm{GDP}_r`: the value
    the group would have as one region.

    **Which weighting the paper used.** The paper's "National" row of Table 1
    is the *unweighted* mean of the provinces (``weights=None``). Computed from
    the official provincial tables, the dual circulation ratio averages
    1.679 (2007, 30 provinces), 1.987 (2012) and 2.397 (2017) unweighted,
    against the published 1.68, 1.98 and 2.40 (the paper adds its rounded
    domestic and international columns, hence 1.98); the GDP-weighted means
    are 1.804, 1.902 and 2.153, which do not match.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.aggregation import aggregate_regions
    >>> from iocirc.indicators import circulation_ratio
    >>> ds = iocirc.datasets.example_table()
    >>> ratio = circulation_ratio(ds, "dual")
    >>> national = aggregate_regions(ratio)
    >>> list(national.indexes["region"]), national.attrs["cell_methods"]
    (['National'], 'region: mean (weighted by GDP)')
    >>> plain = aggregate_regions(ratio, weights=None)
    >>> bool(abs(plain - ratio.mean("region")).max() < 1e-12)
    True
    >>> groups = {"South": ["Liaoning"], "North": ["Jilin", "Heilongjiang"]}
    >>> aggregate_regions(ratio, groups=groups).sizes["region"]
    2
    """
    if not isinstance(indicator, xr.DataArray):
        raise SchemaError(
            f"aggregate_regions takes an indicator DataArray, got {type(indicator).__name__}"
        )
    if "region" not in indicator.dims:
        raise SchemaError(
            f"aggregate_regions: the indicator has no 'region' dimension (dims {indicator.dims})"
        )
    check_choice("on_missing", on_missing, ("raise", "skip"))
    check_labels(indicator, ["region"], purpose="aggregate_regions")
    regions = [str(r) for r in indicator.indexes["region"]]
    groups = {NATIONAL: regions} if groups is None else groups
    members = group_members(groups, regions, on_missing)

    gdp_values = _gdp_of(indicator, ds)
    if isinstance(weights, str):
        check_choice("weights", weights, ("gdp",))
        if gdp_values is None:
            raise SchemaError(
                "aggregate_regions(weights='gdp') needs GDP: the indicator has no 'gdp' "
                "coordinate (the functions of iocirc.indicators attach one). Pass the table "
                "with ds=..., explicit weights=..., or weights=None for a plain mean"
            )
        weight_array: xr.DataArray | None = gdp_values
        method = "region: mean (weighted by GDP)"
    elif weights is None:
        weight_array = None
        method = "region: mean"
    else:
        weight_array = _as_region_array(weights, regions)
        method = "region: mean (weighted)"

    if weight_array is not None:
        weight_array = _checked_weights(weight_array, members, method)
    plain = indicator.drop_vars(
        [c for c in indicator.coords if c != "region" and "region" in indicator[c].dims]
    )
    results = []
    for regs in members.values():
        part = plain.sel(region=regs)
        if weight_array is None:
            value = part.mean("region")
        else:
            value = part.weighted(weight_array.sel(region=regs)).mean("region")
        if gdp_values is not None:
            group_gdp = gdp_values.sel(region=regs)
            if part.chunks is None and bool(part.isnull().any()):
                # Regions left out of the mean (NaN) are left out of the group's GDP too, so
                # that aggregating further weights the group by the GDP it represents.
                group_gdp = group_gdp.where(part.notnull())
            value = value.assign_coords(gdp=group_gdp.sum("region"))
        results.append(value)
    out = xr.concat(results, dim="region", coords="all", compat="override", join="exact")
    out = out.assign_coords(region=list(members))
    out = out.transpose(*indicator.dims, missing_dims="ignore")
    out.name = indicator.name
    out.attrs = {**indicator.attrs, "cell_methods": method}
    if gdp_values is not None:
        out["gdp"].attrs = dict(gdp_values.attrs)
    return out


# --------------------------------------------------------------------------------------------


def _on(var: xr.DataArray, coord: Hashable) -> bool:
    return any(d in _SECTOR_DIMS for d in var[coord].dims)


def _attrs_of(obj: object) -> dict[str, Any]:
    attrs = getattr(obj, "attrs", None)
    return dict(attrs) if isinstance(attrs, Mapping) else {}


def _shipped_concordance(ds: xr.Dataset, name: str) -> tuple[pd.Series, pd.DataFrame | None]:
    """The concordance ``name`` of the table's vintage, and the names of its targets."""
    from iocirc import classifications

    target = name.strip().lower()
    if target not in classifications.CONCORDANCE_TARGETS:
        raise SchemaError(
            f"unknown concordance {name!r}; iocirc ships "
            f"{list(classifications.CONCORDANCE_TARGETS)} (or pass a Series, DataArray or "
            "dict mapping each sector to its target)"
        )
    year = ds.attrs.get("year")
    if year is None:
        raise SchemaError(
            f"aggregate_sectors(ds, {name!r}) takes the concordance of the table's vintage "
            "from ds.attrs['year'], which this table lacks; pass "
            f"iocirc.classifications.concordance(YEAR, {target!r}) instead"
        )
    mapping = classifications.concordance(int(year), target)
    names = classifications.gbt4754_sections() if target == "gbt4754" else None
    return mapping, names


def _concordance_series(concordance: object) -> pd.Series:
    if isinstance(concordance, xr.DataArray):
        if concordance.ndim != 1:
            raise SchemaError(
                f"a concordance DataArray must be one-dimensional over 'sector'; it has "
                f"dims {concordance.dims}"
            )
        dim = concordance.dims[0]
        return pd.Series(
            np.asarray(concordance.values), index=[str(s) for s in concordance[dim].values]
        )
    if isinstance(concordance, pd.Series):
        return pd.Series(concordance.to_numpy(), index=[str(s) for s in concordance.index])
    if isinstance(concordance, Mapping):
        return pd.Series(list(concordance.values()), index=[str(k) for k in concordance])
    raise ArgumentTypeError(
        "the concordance must be a pandas.Series (index: sector code, values: target label), "
        f"an xarray.DataArray over 'sector' or a dict, not {type(concordance).__name__}"
    )


def _check_concordance(mapping: pd.Series, sectors: list[str]) -> None:
    problems = []
    duplicated = sorted(set(mapping.index[mapping.index.duplicated()]))
    if duplicated:
        problems.append(f"maps the code(s) {duplicated} more than once")
    mapped = set(mapping.index[mapping.notna().to_numpy()])
    unmapped = [s for s in sectors if s not in mapped]
    if unmapped:
        problems.append(f"does not map the sector(s) {unmapped}")
    unknown = [s for s in dict.fromkeys(mapping.index) if s not in set(sectors)]
    if unknown:
        problems.append(f"maps the code(s) {unknown}, which the table lacks")
    if problems:
        raise SchemaError(
            "the concordance " + "; ".join(problems) + f". The table's sectors are {sectors}; "
            "every one must be mapped to exactly one target label (a concordance of another "
            "vintage's sector list is a common cause)"
        )


def _target_names(
    names: pd.DataFrame | Mapping[str, Mapping[str, str]] | None, targets: list[str]
) -> dict[str, list[str]]:
    result = {suffix: [""] * len(targets) for suffix in ("zh", "en")}
    if names is None:
        return result
    if isinstance(names, pd.DataFrame):
        table: Mapping[str, Mapping[str, str]] = {
            str(col): {str(k): str(v) for k, v in names[col].items()} for col in names.columns
        }
    elif isinstance(names, Mapping):
        table = {str(k): {str(label): str(n) for label, n in v.items()} for k, v in names.items()}
    else:
        raise ArgumentTypeError(
            "names must be a pandas.DataFrame indexed by target label with columns 'zh'/'en', "
            f"or a dict {{'zh': {{label: name}}, 'en': {{...}}}}, not {type(names).__name__}"
        )
    unknown = [k for k in table if k not in result]
    if unknown:
        raise SchemaError(f"names has the unknown key(s) {unknown}; use 'zh' and 'en'")
    for suffix, by_label in table.items():
        lacking = [t for t in targets if t not in by_label]
        if lacking:
            raise SchemaError(
                f"names[{suffix!r}] has no name for the target label(s) {lacking}; "
                f"it names {list(by_label)}"
            )
        result[suffix] = [by_label[t] for t in targets]
    return result


def _checked_weights(
    weights: xr.DataArray, members: dict[str, list[str]], method: str
) -> xr.DataArray:
    """Weights that are finite and non-negative (checked lazily on dask data), and not all zero
    in a group (checked on numpy data)."""
    what = "GDP weights" if "GDP" in method else "weights"
    weights = check_array(weights, what=what, allow_nan=False)
    for name, regs in members.items():
        if weights.chunks is None:
            total = weights.sel(region=regs).sum("region")
            if bool((total == 0).any()):
                raise SchemaError(
                    f"the {what} of group {name!r} ({regs}) are all zero, so its mean is "
                    "undefined; give at least one member a positive weight"
                )
    return weights


def _gdp_of(indicator: xr.DataArray, ds: xr.Dataset | None) -> xr.DataArray | None:
    if "gdp" in indicator.coords:
        values = indicator.coords["gdp"]
        extra = [c for c in values.coords if c not in values.dims]
        return values.drop_vars(extra).rename("gdp")
    if ds is None:
        return None
    values = gdp(ds)
    extra = [c for c in values.coords if c not in values.dims]
    return values.drop_vars(extra).assign_attrs(
        units=str(ds.attrs.get("currency_unit", "")), long_name="gross domestic product"
    )


def _as_region_array(weights: object, regions: list[str]) -> xr.DataArray:
    if isinstance(weights, pd.Series):
        array = xr.DataArray(
            weights.to_numpy(dtype=float),
            dims="region",
            coords={"region": [str(r) for r in weights.index]},
        )
    elif isinstance(weights, xr.DataArray):
        array = weights
    else:
        raise ArgumentTypeError(
            "weights must be 'gdp', None, or a DataArray/Series over 'region', not "
            + type(weights).__name__
        )
    if "region" not in array.dims:
        raise SchemaError(f"weights have no 'region' dimension (dims {array.dims})")
    lacking = [r for r in regions if r not in set(map(str, array.indexes["region"]))]
    if lacking:
        raise SchemaError(f"weights lack the region(s) {lacking}")
    extra = [c for c in array.coords if c not in array.dims]
    return array.drop_vars(extra).sel(region=regions)


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
