"""The vocabulary of the official tables: codes and Chinese headers, and what they mean.

Every header cell of a workbook is normalised (:func:`norm`) and then looked up
here. A header means one of

* a flow of :data:`iocirc.schema.FLOWS` (by its registry name, ``"export"``),
* a value-added row of :data:`iocirc.schema.VA_COMPONENTS` (``"compensation"``),
* a printed total used only to check the table (:data:`TOTALS`: ``"TIU"``,
  ``"TFU"``, ``"GO"``, ``"TII"``, ``"TVA"``, ``"TI"``),
* a subtotal that is skipped (:data:`SUBTOTAL`: ``第一产业合计``, ``小计``, ``T1`` ...),
* in the row labels of a non-competitive-import table, the block of domestic
  (:data:`DOMESTIC_BLOCK`: ``国产品``) or of imported products
  (:data:`IMPORTED_BLOCK`: ``进口品``), see :func:`product_block`.

Codes come from the registry itself (``Member.code``), so a flow added to
:mod:`iocirc.schema` is recognised by its code without a change here.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from iocirc.schema import FLOWS, VA_COMPONENTS

__all__ = [
    "DOMESTIC_BLOCK",
    "FLOW_CODES",
    "IDS",
    "IMPORTED_BLOCK",
    "SUBTOTAL",
    "TOTALS",
    "VA_CODES",
    "column_labels",
    "column_meaning",
    "is_sector_code",
    "norm",
    "product_block",
    "row_labels",
    "row_meaning",
    "same_name",
]

#: Meaning of a header that is a printed subtotal to be skipped.
SUBTOTAL = "subtotal"

#: Meaning of a column that repeats the sector codes or names (a second label column).
IDS = "ids"

#: Printed totals used to check a table (never stored). Final consumption (code TC) is
#: the registry's ``consumption`` flow: stored where its parts are not printed.
TOTALS = ("TIU", "TFU", "GO", "TII", "TVA", "TI")

#: Meaning of a row-block header over the domestic products of a non-competitive table.
DOMESTIC_BLOCK = "domestic products"

#: Meaning of a row-block header over the imported products of a non-competitive table.
IMPORTED_BLOCK = "imported products"

_WHITESPACE = re.compile(r"\s+")


def norm(value: Any) -> str:
    """Normalise a header cell for lookup.

    Full-width characters become their ASCII forms (NFKC), all whitespace
    (including the ideographic space and line breaks inside a cell) is removed,
    and numbers that are whole become integers (``1.0`` -> ``"1"``).

    Examples
    --------
    >>> norm("中    间    使 用\\n合  计")
    '中间使用合计'
    >>> norm("（按当年生产者价格计算）")
    '(按当年生产者价格计算)'
    >>> norm(12.0), norm("ＴＩＵ")
    ('12', 'TIU')
    """
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return str(value)
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", str(value)))


def is_sector_code(code: str) -> bool:
    """Whether a normalised code cell names a sector (``"01"``, ``"34072a"``, ``"21/22"``).

    Sector codes start with a digit; the codes of totals and subtotals
    (``TIU``, ``T1``, ``TNM``) start with a letter.
    """
    return bool(code) and code[0].isdigit()


#: Flow codes of the registry, plus the older codes of the 1990s national tables.
FLOW_CODES: dict[str, str] = {m.code: m.name for m in FLOWS} | {"TCF": "capital_formation"}

#: Value-added row codes of the registry.
VA_CODES: dict[str, str] = {m.code: m.name for m in VA_COMPONENTS}

# Column codes that are totals or subtotals. ``T1`` ... ``TNM`` are the sector-group
# subtotals of the 1995 national table.
_COLUMN_TOTAL_CODES: dict[str, str] = {
    "TIU": "TIU",
    "TFU": "TFU",
    "GO": "GO",
    # Non-competitive tables: output on the domestic rows, imports on the imported rows.
    "GO/IM": "GO",
    **dict.fromkeys(("T1", "T2", "T3", "TM", "TNM"), SUBTOTAL),
}

# Row codes of totals. ``TO``/``TO1`` are how two re-publications code total input.
_ROW_TOTAL_CODES: dict[str, str] = {
    "TII": "TII",
    "TVA": "TVA",
    "TI": "TI",
    "TO": "TI",
    "TO1": "TI",
    **dict.fromkeys(("T1", "T2", "T3", "TM", "TNM"), SUBTOTAL),
}

# Column headers (normalised) and their meaning. Several spellings occur across
# vintages and re-publications; "省外" alone (销往省外, 省外购进) includes abroad.
_COLUMN_LABELS: dict[str, str] = {
    **dict.fromkeys(("中间使用合计", "中间使用小计"), "TIU"),
    **dict.fromkeys(
        ("农村居民消费", "农村居民", "农村居民消费支出", "农业居民消费"), "household_rural"
    ),
    **dict.fromkeys(
        ("城镇居民消费", "城镇居民", "城镇居民消费支出", "非农业居民消费"), "household_urban"
    ),
    **dict.fromkeys(("居民消费", "居民消费支出", "居民消费合计"), "household"),
    **dict.fromkeys(("政府消费", "政府消费支出", "社会总消费", "社会消费"), "government"),
    **dict.fromkeys(
        ("最终消费", "最终消费支出", "最终消费合计", "消费合计", "消费小计", "消费支出合计"),
        "consumption",
    ),
    **dict.fromkeys(
        ("固定资本形成总额", "固定资本形成", "固定资产形成合计"), "fixed_capital_formation"
    ),
    **dict.fromkeys(("存货增加", "存货变动", "库存增加"), "inventory_change"),
    **dict.fromkeys(("资本形成总额", "资本形成合计"), "capital_formation"),
    "出口": "export",
    **dict.fromkeys(
        ("国内省外流出", "流出国内省外", "流出外省", "省外流出", "调出"), "domestic_outflow"
    ),
    "进口": "import",
    **dict.fromkeys(
        ("国内省外流入", "外省流入", "省外流入", "流入国内省外", "调入"), "domestic_inflow"
    ),
    **dict.fromkeys(("流出", "销往省外"), "gross_outflow"),
    **dict.fromkeys(("流入", "省外购进"), "gross_inflow"),
    # In a national table there is no domestic trade: net exports are the net outflow.
    **dict.fromkeys(("净流出", "净出口", "净调出"), "net_outflow"),
    **dict.fromkeys(("其他", "误差"), "other"),
    **dict.fromkeys(("最终使用合计", "最终使用"), "TFU"),
    # 国内产出/进口: output on the domestic rows, imports on the imported rows.
    **dict.fromkeys(("总产出", "国内产出/进口", "总产出/进口", "国内产出"), "GO"),
    **dict.fromkeys(("代码", "序码", "编码", "部门名称", "部门"), IDS),
}

_ROW_LABELS: dict[str, str] = {
    "中间投入合计": "TII",
    **dict.fromkeys(("劳动者报酬", "劳动报酬", "劳动者收入"), "compensation"),
    "生产税净额": "net_production_taxes",
    **dict.fromkeys(("固定资产折旧", "固定资产折旧合计"), "depreciation"),
    "营业盈余": "operating_surplus",
    **dict.fromkeys(("增加值合计", "最初投入合计"), "TVA"),
    **dict.fromkeys(("总投入", "总投入合计"), "TI"),
}

# Row-block headers of the non-competitive-import tables (国产品 above the domestic rows,
# 进口品 above the imported ones), normalised.
_BLOCK_LABELS: dict[str, str] = {
    **dict.fromkeys(
        ("国产品", "国内产品", "国产产品", "国产品中间投入", "国内产品中间投入"), DOMESTIC_BLOCK
    ),
    **dict.fromkeys(("进口品", "进口产品", "进口品中间投入", "进口产品中间投入"), IMPORTED_BLOCK),
}

# Generic words of subtotal headers (小计, 合计, 第一产业合计, 物质生产部门合计 ...).
_SUBTOTAL_WORDS = ("合计", "小计", "总计")


def _label_meaning(label: str, table: dict[str, str]) -> str | None:
    label = label.rstrip(":")
    if label in table:
        return table[label]
    if any(word in label for word in _SUBTOTAL_WORDS):
        return SUBTOTAL
    return None


def same_name(a: str, b: str) -> bool:
    """Whether two sector names are the same, allowing for truncation and punctuation.

    Examples
    --------
    >>> same_name("通信设备、计算机和其他电子设备", "通信设备计算机和其他电子")
    True
    >>> same_name("公共管理和社会组织", "金融业")
    False
    """
    a, b = _bare(a), _bare(b)
    return a == b or (len(a) >= 4 and len(b) >= 4 and (a.startswith(b) or b.startswith(a)))


def _bare(name: str) -> str:
    return "".join(ch for ch in norm(name) if ch.isalnum())


def row_labels(meaning: str) -> frozenset[str]:
    """The row labels that mean ``meaning`` (``"TII"`` -> ``{"中间投入合计"}``)."""
    return frozenset(label for label, m in _ROW_LABELS.items() if m == meaning)


def column_labels(meaning: str) -> frozenset[str]:
    """The column labels that mean ``meaning`` (``"TIU"`` -> ``{"中间使用合计", ...}``)."""
    return frozenset(label for label, m in _COLUMN_LABELS.items() if m == meaning)


def column_meaning(code: str, label: str) -> tuple[str | None, str | None]:
    """What a column header means by its code and by its label, separately.

    Parameters
    ----------
    code : str
        The normalised cell of the code row ("" if none).
    label : str
        The normalised lowest non-empty header cell above the data ("" if none).

    Returns
    -------
    tuple of (str or None, str or None)
        The meaning by code and by label: a flow name, a total code of
        :data:`TOTALS`, :data:`SUBTOTAL`, or None if not recognised.

    Examples
    --------
    >>> column_meaning("FU302", "调出")
    ('gross_outflow', 'domestic_outflow')
    >>> column_meaning("", "中间使用合计")
    (None, 'TIU')
    """
    by_code = FLOW_CODES.get(code) or _COLUMN_TOTAL_CODES.get(code)
    by_label = _label_meaning(label, _COLUMN_LABELS) if label else None
    return by_code, by_label


def row_meaning(code: str, label: str) -> str | None:
    """What a row below the sector block means; its label wins over its code.

    The label sits on the same line as the numbers and so cannot be shifted
    against them, while the codes ``VA001``-``VA004`` are numbered in another
    order in the national tables of the 1990s (``VA001`` is depreciation there).

    Examples
    --------
    >>> row_meaning("VA001", "固定资产折旧")
    'depreciation'
    >>> row_meaning("TYA", "增加值合计"), row_meaning("VA002", "")
    ('TVA', 'net_production_taxes')
    """
    by_label = _label_meaning(label, _ROW_LABELS) if label else None
    if by_label is not None:
        return by_label
    return VA_CODES.get(code) or _ROW_TOTAL_CODES.get(code)


def product_block(label: str) -> str | None:
    """Whether a row-label cell heads the domestic or the imported block of products.

    Non-competitive-import tables print the intermediate use of each product
    twice, once for domestic output (``国产品``) and once for imports
    (``进口品``), each block headed by such a cell beside its first row.

    Examples
    --------
    >>> product_block("进口品"), product_block("国内产品"), product_block("金融")
    ('imported products', 'domestic products', None)
    """
    return _BLOCK_LABELS.get(label.rstrip(":"))
