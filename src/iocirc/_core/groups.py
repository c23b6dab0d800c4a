"""Members of named groups (of regions, of trade partners) among the labels a table has."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from iocirc.errors import ArgumentTypeError, SchemaError

__all__ = ["group_members"]


def _region_label(key: str, present: set[str]) -> str:
    """The label among ``present`` of a region named in Chinese or by code, else ``key``."""
    if key in present:
        return key
    from iocirc.regions import province

    try:
        name = province(key).name
    except SchemaError:
        return key
    return name if name in present else key


def group_members(
    groups: Mapping[str, Iterable[str]],
    available: list[str],
    on_missing: str,
    *,
    item: str = "region",
    holder: str = "the indicator",
) -> dict[str, list[str]]:
    """Each group's members among ``available``: shared by regions and trade partners."""
    if not isinstance(groups, Mapping):
        raise ArgumentTypeError(
            f"groups must map group names to lists of {item}s, e.g. "
            "iocirc.regions.REGION_GROUPS; got " + type(groups).__name__
        )
    present = set(available)
    members: dict[str, list[str]] = {}
    for name, listed_raw in groups.items():
        if isinstance(listed_raw, str):
            raise ArgumentTypeError(
                f"group {name!r} must list {item}s, not the single string {listed_raw!r}"
            )
        listed = [str(r) for r in listed_raw]
        if item == "region":  # "辽宁" or 210000 name the region labelled "Liaoning"
            listed = [_region_label(r, present) for r in listed]
        if len(set(listed)) != len(listed):
            dups = sorted({r for r in listed if listed.count(r) > 1})
            raise SchemaError(
                f"group {name!r} lists the {item}(s) {dups} more than once; each member counts "
                "once (a repeated member would weigh double)"
            )
        missing = [r for r in listed if r not in present]
        if missing and on_missing == "raise":
            raise SchemaError(
                f"group {name!r} names the {item}(s) {missing}, which {holder} lacks; it "
                f"has {available}. Pass on_missing='skip' to use the members present"
                + (
                    " (regions may be named in English, in Chinese or by code)"
                    if item == "region"
                    else ""
                )
            )
        kept = [r for r in listed if r in present]
        if not kept:
            raise SchemaError(
                f"group {name!r} has none of its {item}s {listed} in {holder} ({available})"
            )
        members[str(name)] = kept
    return members
