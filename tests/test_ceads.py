"""iocirc.read_ceads_mrio on CEADS-style workbooks written here from the documented layout.

No CEADS workbook is public, so each test writes one with openpyxl, laid out as the CEADS
table sheets (and MARIO's CEADS parser, mario/parsers/ceads.py) have them: a title, a
province row, a sector-label row and a code row above the blocks; province, sector label
and code columns left of them; intermediate use, TIU, final use FU101..FU202 per province,
EX, TFU, ERR, GO; rows IM, TII, VA001..VA004, TVA, TI (and a CO2 row) below.
The numbers are drawn and the totals derived, so the table balances by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import iocirc
from iocirc.errors import BalanceError, ReadError
from iocirc.mrio import validate

openpyxl = pytest.importorskip("openpyxl")

FINAL = [
    ("FU101", "Rural household consumption", "household_rural"),
    ("FU102", "Urban household consumption", "household_urban"),
    ("FU103", "Government consumption", "government"),
    ("FU201", "Fixed capital formation", "fixed_capital_formation"),
    ("FU202", "Changes in inventories", "inventory_change"),
]
VA = [
    ("VA001", "Conpensation of employees", "compensation"),  # sic, as printed
    ("VA002", "Net taxes on production", "net_production_taxes"),
    ("VA003", "Depreciation on the fixed capital", "depreciation"),
    ("VA004", "Operationg surplus", "operating_surplus"),  # sic
]
SECTOR_NAMES = ["Agriculture", "Coal mining", "Food and tobacco", "Textiles", "Construction"]
SECTOR_ZH = ["农林牧渔产品和服务", "煤炭采选产品", "食品和烟草", "纺织品", "建筑"]


@dataclass
class Table:
    """Drawn numbers of a CEADS table and the options of its workbook."""

    provinces: list[str]
    codes: list[str]
    Z: np.ndarray
    Y: np.ndarray  # (n, R * 5), region-major by category
    export: np.ndarray
    other: np.ndarray
    imported_inputs: np.ndarray
    imported_final: np.ndarray  # (R * 5,)
    V: np.ndarray  # (4, n)
    competitive: np.ndarray | None = None  # an import column (by product) instead of the row
    top: int = 1  # rows above the province row (a title)
    left: int = 0  # empty columns left of the province column
    changes: dict = field(default_factory=dict)

    @property
    def x(self) -> np.ndarray:
        x = self.Z.sum(1) + self.Y.sum(1) + self.export + self.other
        return x if self.competitive is None else x - self.competitive


def draw_table(seed: int, R: int = 3, S: int = 3, competitive: bool = False, **options) -> Table:
    rng = np.random.default_rng(seed)
    n = R * S
    Z = rng.integers(0, 100, (n, n)).astype(float)
    Y = rng.integers(0, 200, (n, R * 5)).astype(float)
    Y[:, 4::5] -= 50  # inventory changes may be negative
    export = rng.integers(0, 300, n).astype(float)
    other = rng.integers(-5, 6, n).astype(float)
    x = Z.sum(1) + Y.sum(1) + export + other
    imported = np.floor(rng.uniform(0, 0.1, n) * x)
    by_product = None
    if competitive:  # imports of each product, part of Z and Y, subtracted from the row
        by_product = imported
        x = x - by_product
        imported = np.zeros(n)
    rest = x - Z.sum(0) - imported
    assert (rest > 0).all()
    shares = rng.dirichlet(np.ones(4), n).T
    V = np.floor(shares * rest)
    V[3] = rest - V[:3].sum(0)
    provinces = ["Beijing", "Tianjin", "Inner Mongolia", "Hebei", "Shanxi", "Liaoning"][:R]
    codes = [f"{i + 1:02d}" for i in range(S)]
    imported_final = rng.integers(0, 40, R * 5).astype(float)
    if competitive:
        imported_final = np.zeros(R * 5)
    return Table(
        provinces, codes, Z, Y, export, other, imported, imported_final, V, by_product, **options
    )


def write(table: Table, path: Path, *, year: int = 2017) -> Path:
    """The workbook of ``table``; ``table.changes`` breaks it in documented ways."""
    ch = table.changes
    chinese = ch.get("chinese", False)
    names = SECTOR_ZH if chinese else SECTOR_NAMES

    def pname(name: str) -> str:
        return iocirc.regions.province(name).zh if chinese else name

    R, S = len(table.provinces), len(table.codes)
    n = R * S
    book = openpyxl.Workbook()
    note = book.active
    note.title = "Note"
    note["A1"] = "CEADS provincial MRIO (test workbook)"
    sector_sheet = book.create_sheet("Sector ")
    sector_sheet.append(["No.", "Sector"])
    for i, code in enumerate(table.codes):
        sector_sheet.append([int(code), names[i]])
    if chinese:
        ws = book.create_sheet(f"Table_{year}")
    else:
        book.create_sheet(f"Table_{year}")["A1"] = "中文版"
        ws = book.create_sheet(f"Table_{year}_English Version")
    t, left = table.top, table.left
    prov_row, label_row, code_row = t + 1, t + 2, t + 3  # 1-based
    first_row = code_row + 1
    c0 = left + 1  # the province column (1-based); sector label c0 + 1, code c0 + 2
    ws.cell(1, 1, f"China's interprovincial input-output table {year} (10,000 CNY)")
    z0 = c0 + 3
    provinces_on_cols = ch.get("col_provinces", table.provinces)
    for r, name in enumerate(provinces_on_cols):
        ws.cell(prov_row, z0 + r * S, pname(name))
        for i, code in enumerate(table.codes):
            ws.cell(label_row, z0 + r * S + i, names[i])
            ws.cell(code_row, z0 + r * S + i, code)
    tiu = z0 + n
    ws.cell(label_row, tiu, "Total intermediate use")
    ws.cell(code_row, tiu, "TIU")
    fd0 = tiu + 1
    final = [f for f in FINAL if f[0] not in ch.get("drop_final", ())]
    F = len(final)
    for r, name in enumerate(table.provinces):
        ws.cell(prov_row, fd0 + r * F, pname(name))
        for k, (code, label, _) in enumerate(final):
            ws.cell(label_row, fd0 + r * F + k, label)
            ws.cell(code_row, fd0 + r * F + k, code)
    tail = fd0 + R * F
    tail_cols = [
        ("EX", "Export"),
        ("TFU", "Total Final Use"),
        ("ERR", "Errors"),
        ("GO", "Gross Output"),
    ]
    if table.competitive is not None:
        tail_cols.insert(1, ("IM", "Imports"))
    tail_cols = [c for c in tail_cols if c[0] not in ch.get("drop_cols", ())]
    where = {}
    for k, (code, label) in enumerate(tail_cols):
        ws.cell(label_row, tail + k, label)
        ws.cell(code_row, tail + k, code)
        where[code] = tail + k
    ws.cell(label_row, tail + len(tail_cols), "Proportion of errors in gross output (less than 5%)")
    ws.cell(label_row, tail + len(tail_cols) + 1, "Gross Output Check")
    x = table.x
    provinces_on_rows = ch.get("row_provinces", table.provinces)
    fd_index = [FINAL.index(f) for f in final]
    for r, name in enumerate(provinces_on_rows):
        for i, code in enumerate(table.codes):
            row = first_row + r * S + i
            k = r * S + i
            if i == 0:
                ws.cell(row, c0, pname(name))
            ws.cell(row, c0 + 1, names[i])
            ws.cell(row, c0 + 2, ch.get("row_codes", {}).get(k, code))
            for j in range(n):
                ws.cell(row, z0 + j, table.Z[k, j])
            ws.cell(row, tiu, table.Z[k].sum())
            for s in range(R):
                for q, f in enumerate(fd_index):
                    ws.cell(row, fd0 + s * F + q, table.Y[k, s * 5 + f])
            values = {
                "EX": table.export[k],
                "TFU": table.Y[k].sum() + table.export[k],
                "ERR": table.other[k] + ch.get("err_shift", {}).get(k, 0.0),
                "GO": x[k],
            }
            if table.competitive is not None:
                values["IM"] = ch.get("import_sign", 1) * table.competitive[k]
            for code_, col in where.items():
                ws.cell(row, col, values[code_])
            ws.cell(row, tail + len(tail_cols), abs(table.other[k]) / x[k])
            ws.cell(row, tail + len(tail_cols) + 1, "TRUE")
    below = first_row + n
    rows = [("IM", "Imports", table.imported_inputs, table.imported_final)]
    rows.append(("TII", "Total Intermediate Input", table.Z.sum(0) + table.imported_inputs, None))
    rows += [(code, label, table.V[k], None) for k, (code, label, _) in enumerate(VA)]
    rows += [
        ("TVA", "Total Value Added", table.V.sum(0), None),
        ("TI", "Total Input", x, None),
        ("", "CO2 (Mt)", np.full(n, 0.5), None),
    ]
    if table.competitive is not None and not ch.get("both_imports"):
        rows = rows[1:]
    rows = [row for row in rows if row[0] not in ch.get("drop_rows", ())]
    for offset, (code, label, values, final_values) in enumerate(rows):
        row = below + offset
        ws.cell(row, c0 + 1, label)
        ws.cell(row, c0 + 2, code)
        for j in range(n):
            ws.cell(row, z0 + j, values[j])
        if final_values is not None:
            for s in range(R):
                for q, f in enumerate(fd_index):
                    ws.cell(row, fd0 + s * F + q, final_values[s * 5 + f])
    for (r, c), value in ch.get("cells", {}).items():  # 0-based offsets into the Z block
        ws.cell(first_row + r, z0 + c, value)
    book.save(path)
    return path


def _check(ds, table: Table) -> None:
    R, S = len(table.provinces), len(table.codes)
    n = R * S
    validate(ds)
    assert list(ds.indexes["region"]) == table.provinces
    assert list(ds.indexes["sector"]) == table.codes
    assert ds["sector_en"].values.tolist() == SECTOR_NAMES[:S]
    assert ds["region_code"].values.tolist()[:1] == [110000]
    assert ds["in_nation"].values.all()
    assert ds.attrs["nation"] == "China"
    assert ds.attrs["year"] == 2017
    assert ds.attrs["currency_unit"] == "10^4 CNY"
    Z = ds["intermediate_use"].transpose("region", "sector", "region_to", "sector_to")
    np.testing.assert_array_equal(Z.values.reshape(n, n), table.Z)
    flows = [f for _, _, f in FINAL]
    Y = ds["final_use"].sel(flow=flows).transpose("region", "sector", "region_to", "flow")
    np.testing.assert_array_equal(Y.values.reshape(n, R * 5), table.Y)
    np.testing.assert_array_equal(ds["export"].values.ravel(), table.export)
    np.testing.assert_array_equal(ds["total_output"].values.ravel(), table.x)
    np.testing.assert_allclose(ds["discrepancy"].values.ravel(), table.other, atol=1e-9)
    if table.competitive is not None:
        np.testing.assert_array_equal(ds["import"].values.ravel(), table.competitive)
        assert "imported_inputs" not in ds
        assert "imported_final_use" not in ds
    else:
        np.testing.assert_array_equal(ds["imported_inputs"].values.ravel(), table.imported_inputs)
        m_final = ds["imported_final_use"].sel(flow=flows).transpose("region_to", "flow")
        np.testing.assert_array_equal(m_final.values.ravel(), table.imported_final)
        assert "import" not in ds  # the imports are non-competitive (a row), not by product
    V = (
        ds["value_added"]
        .sel(va_component=[k for _, _, k in VA])
        .transpose("va_component", "region", "sector")
    )
    np.testing.assert_array_equal(V.values.reshape(4, n), table.V)


# --- reading --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("top", "left"), [(1, 0), (4, 2)])
def test_reads_the_generated_numbers(tmp_path: Path, top: int, left: int) -> None:
    table = draw_table(1, top=top, left=left)
    ds = iocirc.read_ceads_mrio(write(table, tmp_path / "MRIO 2017.xlsx"))
    _check(ds, table)
    assert "English Version" in ds.attrs["source"]


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**31), st.integers(1, 4), st.integers(1, 5))
def test_reads_drawn_tables(
    tmp_path_factory: pytest.TempPathFactory, seed: int, R: int, S: int
) -> None:
    table = draw_table(seed, R, S)
    path = write(table, tmp_path_factory.mktemp("ceads") / "t.xlsx")
    _check(iocirc.read_ceads_mrio(path), table)


@pytest.mark.parametrize("sign", [1, -1])
def test_competitive_import_column(tmp_path: Path, sign: int) -> None:
    """An import column (imports of each product, in Z and Y) is the competitive import."""
    table = draw_table(6, competitive=True, changes={"import_sign": sign})
    ds = iocirc.read_ceads_mrio(write(table, tmp_path / "t.xlsx"))
    _check(ds, table)


def test_import_row_and_column_together(tmp_path: Path) -> None:
    table = draw_table(6, competitive=True, changes={"both_imports": True})
    path = write(table, tmp_path / "t.xlsx")
    with pytest.raises(ReadError, match="both an import column"):
        iocirc.read_ceads_mrio(path)


def test_chinese_sheet(tmp_path: Path) -> None:
    """A workbook with only the Chinese table sheet: province names in Chinese, codes alike."""
    table = draw_table(5, changes={"chinese": True})
    ds = iocirc.read_ceads_mrio(write(table, tmp_path / "t.xlsx"))
    assert list(ds.indexes["region"]) == table.provinces  # canonical English names
    assert ds["region_zh"].values.tolist() == ["北京", "天津", "内蒙古"]
    assert ds["sector_zh"].values.tolist() == SECTOR_ZH[:3]
    assert "sector_en" not in ds.coords
    Z = ds["intermediate_use"].transpose("region", "sector", "region_to", "sector_to")
    np.testing.assert_array_equal(Z.values.reshape(9, 9), table.Z)


def test_single_region_view_of_the_provinces(tmp_path: Path) -> None:
    table = draw_table(2)
    ds = iocirc.read_ceads_mrio(write(table, tmp_path / "t.xlsx"))
    view = iocirc.mrio.to_single_region(ds)
    iocirc.validate(view)
    assert list(view.indexes["region"]) == table.provinces
    ratio = iocirc.circulation_ratio(view, "domestic")
    assert bool((ratio > 0).all())


def test_sheet_can_be_named(tmp_path: Path) -> None:
    path = write(draw_table(3), tmp_path / "t.xlsx")
    ds = iocirc.read_ceads_mrio(path, sheet="Table_2017_English Version", year=2016)
    assert ds.attrs["year"] == 2016
    with pytest.raises(ReadError, match="no sheet 'Table_1999'"):
        iocirc.read_ceads_mrio(path, sheet="Table_1999")
    with pytest.raises(ReadError, match="not a CEADS MRIO table sheet"):
        iocirc.read_ceads_mrio(path, sheet="Note")


# --- refusals ------------------------------------------------------------------------------------


def _refused(tmp_path: Path, changes: dict, *words: str, error: type = ReadError) -> str:
    table = draw_table(4, changes=changes)
    path = write(table, tmp_path / "broken.xlsx")
    with pytest.raises(error) as info:
        iocirc.read_ceads_mrio(path)
    message = str(info.value)
    assert str(path) in message
    assert "Table_2017_English Version" in message
    for word in words:
        assert word in message, message
    return message


def test_missing_value_added_row(tmp_path: Path) -> None:
    _refused(tmp_path, {"drop_rows": ("VA003",)}, "depreciation", "VA001..VA004")


def test_missing_export_column(tmp_path: Path) -> None:
    _refused(tmp_path, {"drop_cols": ("EX",)}, "no export column")


def test_missing_final_use_block(tmp_path: Path) -> None:
    table = draw_table(4, changes={"drop_final": tuple(code for code, _, _ in FINAL)})
    path = write(table, tmp_path / "broken.xlsx")
    with pytest.raises(ReadError, match="final-use codes FU101"):
        iocirc.read_ceads_mrio(path)
    table = draw_table(4, changes={"drop_final": tuple(c for c, _, _ in FINAL)})
    table.changes["drop_rows"] = ("IM", "VA001", "VA002", "VA003", "VA004")
    with pytest.raises(ReadError, match="no sheet is laid out as a CEADS MRIO table"):
        iocirc.read_ceads_mrio(write(table, tmp_path / "empty.xlsx"))


def test_duplicate_province_on_rows(tmp_path: Path) -> None:
    rows = ["Beijing", "Tianjin", "Beijing"]
    _refused(tmp_path, {"row_provinces": rows}, "'Beijing' appears twice on the rows", "cell C11")


def test_duplicate_province_on_columns(tmp_path: Path) -> None:
    cols = ["Beijing", "Tianjin", "Tianjin"]
    _refused(tmp_path, {"col_provinces": cols}, "'Tianjin' appears twice on the columns", "cell J4")


def test_rows_and_columns_disagree(tmp_path: Path) -> None:
    cols = ["Beijing", "Inner Mongolia", "Tianjin"]
    _refused(tmp_path, {"col_provinces": cols}, "differ from those of the rows")


def test_ragged_sector_block(tmp_path: Path) -> None:
    _refused(
        tmp_path,
        {"row_codes": {4: "09"}},
        "sector rows of Tianjin are ['01', '09', '03']",
        "cell C9",
    )


@pytest.mark.parametrize("value", ["n/a", "12,3,4", "NaN", "nan", "inf"])
def test_non_numeric_or_nan_cell(tmp_path: Path, value: object) -> None:
    # (a float NaN cannot be stored in .xlsx: openpyxl writes an empty value, Excel an
    # error cell; the workbook layer reads both as blank. NaN reaches a reader as text.)
    message = _refused(tmp_path, {"cells": {(1, 2): value}}, "where a number is expected")
    # the second sector row of Beijing is worksheet row 6 (title, 3 header rows, first row)
    assert "cell F6" in message
    assert "row Beijing/02" in message


def test_inconsistent_error_column(tmp_path: Path) -> None:
    _refused(tmp_path, {"err_shift": {3: 1000.0}}, "ERR", error=BalanceError)


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ReadError, match=str(path)):
        iocirc.read_ceads_mrio(path)
