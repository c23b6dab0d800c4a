"""Numpy kernels of the value-added decompositions (decompr's algebra, without its loops).

Everything here works on plain arrays in the country-major layout: ``Z``
(n, n) intermediate use, ``Yd`` (n, G) final demand by destination country,
``x`` (n,) output as supplied, ``G`` countries of ``N`` sectors, ``n = G N``.
Conventions are decompr's (``load_tables_vectors``): ``A = Z diag(x)^-1`` with
the columns of zero output set to zero, value-added coefficients
``v = (x - 1'Z) / x`` (zero where ``x = 0``), ``B = (I - A)^-1`` the global
and ``L_ss = (I - A_ss)^-1`` the local Leontief inverses, ``A^F`` (decompr's
``Am``) ``A`` without its diagonal blocks, ``Y_sr`` final goods of ``s`` used
in ``r``, ``E_s*`` gross exports.

The kernels never form ``A^F B`` or ``B A^F L`` as decompr does: every term is
a row vector (``v_s B_ss``, ``v_s L_ss``, ``sum_t v_t B_ts``) times a column
vector, and each column vector is either a Leontief solve or one of the
"grouped" products ``sum_{k in r} A^F[j, k] W[k, s(j)]`` (cost ``n^2`` per
column of ``W``). :func:`leontief` returns ``v B diag(E)`` and so forms ``B``
(LU solves on the identity). :func:`wwz` needs the diagonal blocks ``B_rr``:
it forms ``B`` when the table has many regions, and otherwise (``G (G + 1) <
n``) solves for the ``G`` column blocks ``B[:, r] [Ym_r, yown_r]`` instead.
:func:`kww`, :func:`absorption` and :func:`participation` use LU solves only
(``O(G)`` right-hand sides).

Internal: the public functions are in ``_absorption``, ``_kww``, ``_wwz`` and
``_participation``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from iocirc.errors import ModelError

#: Term labels of Koopman, Wang and Wei (2014), in decompr's order.
KWW_TERMS: tuple[str, ...] = (
    "DVA_FIN",
    "DVA_INT",
    "DVA_INTrex",
    "RDV_FIN",
    "RDV_INT",
    "DDC",
    "FVA_FIN",
    "FVA_INT",
    "FDC",
)

#: Term labels of Wang, Wei and Zhu (2013), in decompr's order.
WWZ_TERMS: tuple[str, ...] = (
    "DVA_FIN",
    "DVA_INT",
    "DVA_INTrexI1",
    "DVA_INTrexF",
    "DVA_INTrexI2",
    "RDV_INT",
    "RDV_FIN",
    "RDV_FIN2",
    "OVA_FIN",
    "MVA_FIN",
    "OVA_INT",
    "MVA_INT",
    "DDC_FIN",
    "DDC_INT",
    "ODC",
    "MDC",
)

#: WWZ terms in final-goods exports (the others are in intermediate exports).
WWZ_FINAL: tuple[str, ...] = ("DVA_FIN", "OVA_FIN", "MVA_FIN")

#: Which WWZ terms, summed over sectors and partners, give each KWW term
#: (decompr's ``wwz2kww``; Wang, Wei and Zhu 2013, section 4).
WWZ_TO_KWW: dict[str, tuple[str, ...]] = {
    "DVA_FIN": ("DVA_FIN",),
    "DVA_INT": ("DVA_INT", "DVA_INTrexI1"),
    "DVA_INTrex": ("DVA_INTrexF", "DVA_INTrexI2"),
    "RDV_FIN": ("RDV_FIN", "RDV_FIN2"),
    "RDV_INT": ("RDV_INT",),
    "DDC": ("DDC_FIN", "DDC_INT"),
    "FVA_FIN": ("OVA_FIN", "MVA_FIN"),
    "FVA_INT": ("OVA_INT", "MVA_INT"),
    "FDC": ("ODC", "MDC"),
}

#: Terms of the production-based decomposition of value added (WWYZ 2017).
PARTICIPATION_TERMS: tuple[str, ...] = (
    "V_D",
    "V_RT_nation",
    "V_RT_abroad",
    "V_GVC_S_nation",
    "V_GVC_S_abroad",
    "V_GVC_C_nation",
    "V_GVC_C_abroad",
)


@dataclass
class Prepared:
    """Coefficients and factorisations shared by the decompositions."""

    G: int
    N: int
    n: int
    Z: np.ndarray  # (n, n), not modified
    x: np.ndarray  # (n,)
    inv_x: np.ndarray  # (n,), 0 where x == 0
    vc: np.ndarray  # (n,) value-added coefficients
    Yd: np.ndarray  # (n, G)
    yown: np.ndarray  # (n,) final demand of the producing country itself
    Ym: np.ndarray  # (n, G) final exports (own column zero)
    yexp: np.ndarray  # (n,) final exports, summed over partners
    xe: np.ndarray  # (n,) output as decompr's A^F x sees it (0 where x == 0)
    lu: np.ndarray  # LU factors of (I - A)'
    piv: np.ndarray
    local: np.ndarray  # (G, N, N) the local inverses L_ss
    labels: Sequence[str]

    def rows(self, s: int) -> slice:
        return slice(s * self.N, (s + 1) * self.N)

    def a_rows(self, s: int) -> np.ndarray:
        """``A^F`` rows of country ``s`` (N, n): ``A`` with its own block zero (a new array)."""
        block = self.Z[self.rows(s)] * self.inv_x
        block[:, self.rows(s)] = 0.0
        return block

    # Solves with the global M = I - A (its transpose is factorised).
    def solve(self, b: np.ndarray) -> np.ndarray:
        """``B b``."""
        import scipy.linalg as sla  # lazily: `import iocirc` stays light

        return np.asarray(sla.lu_solve((self.lu, self.piv), b, trans=1, check_finite=False))

    def solve_left(self, c: np.ndarray) -> np.ndarray:
        """``c' B`` for the columns of ``c`` (returned as columns: ``B' c``)."""
        import scipy.linalg as sla  # lazily: `import iocirc` stays light

        return np.asarray(sla.lu_solve((self.lu, self.piv), c, trans=0, check_finite=False))

    # The local systems are small: one batched matmul with the local inverses, rather than
    # G LAPACK calls (each of which OpenBLAS may thread, and on a busy machine wait a time
    # slice for).
    def local_solve(self, b: np.ndarray) -> np.ndarray:
        """``L_ss b_s`` stacked over the countries, for ``b`` of shape (n,) or (n, k)."""
        G, N = self.G, self.N
        stacked = np.asarray(b, dtype=float).reshape(G, N, -1)
        return np.matmul(self.local, stacked).reshape(np.shape(b))

    def local_solve_left(self, c: np.ndarray) -> np.ndarray:
        """``c_s' L_ss`` stacked over the countries (as a column)."""
        G, N = self.G, self.N
        stacked = np.asarray(c, dtype=float).reshape(G, N, -1)
        return np.matmul(self.local.transpose(0, 2, 1), stacked).reshape(np.shape(c))

    def vb_by_country(self) -> np.ndarray:
        """``VB[t, j] = sum_{k in t} v_k B[k, j]``, shape (G, n), by G left solves."""
        rhs = np.zeros((self.n, self.G))
        for t in range(self.G):
            rhs[self.rows(t), t] = self.vc[self.rows(t)]
        return self.solve_left(rhs).T

    def grouped(self, w: np.ndarray) -> np.ndarray:
        """``out[j, r, m] = sum_{k in r} A^F[j, k] w[k, s(j), m]``.

        ``w`` has shape (n, G, m) (a column per exporting country ``s``) or
        (n, m) (the same for every exporter). Returns shape (n, G, m).
        """
        G, N = self.G, self.N
        per_exporter = w.ndim == 3
        m = w.shape[-1]
        out = np.empty((self.n, G, m))
        for s in range(G):
            a = self.a_rows(s).reshape(N, G, N).transpose(1, 0, 2)  # (G, N, N): A_sr
            ws = w[:, s, :] if per_exporter else w
            out[self.rows(s)] = np.matmul(a, ws.reshape(G, N, m)).transpose(1, 0, 2)
        return out


def _check_lu(lu: np.ndarray, labels: Sequence[str], offset: int, what: str) -> None:
    diag = np.abs(np.diagonal(lu))
    scale = max(1.0, float(np.max(np.abs(lu)))) if lu.size else 1.0
    bad = np.flatnonzero(~(diag > 1e-13 * scale))
    if bad.size:
        label = labels[offset + int(bad[0])]
        raise ModelError(
            f"I - {what} is singular at {label} (zero pivot): the Leontief model of this "
            "table has no unique solution; check for a sector whose output is all used up "
            "as its own input"
        )


def _local_inverses(
    Z: np.ndarray, inv_x: np.ndarray, G: int, N: int, labels: Sequence[str]
) -> np.ndarray:
    """``L_ss = (I - A_ss)^-1`` for every country, (G, N, N), batched."""
    import scipy.linalg as sla  # lazily: `import iocirc` stays light

    g = np.arange(G)
    blocks = Z.reshape(G, N, G, N)[g, :, g, :] * inv_x.reshape(G, 1, N)  # A_ss
    m = np.negative(blocks)
    m[:, np.arange(N), np.arange(N)] += 1.0
    try:
        local = np.linalg.inv(m)
        ok = bool(np.isfinite(local).all())
    except np.linalg.LinAlgError:
        ok = False
    if not ok:  # find the region, as the global check does
        for s in range(G):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", sla.LinAlgWarning)
                lu, _ = sla.lu_factor(m[s].T, check_finite=False)
            _check_lu(lu, labels, s * N, "A_ss")
        raise ModelError("I - A_ss is singular for some region")  # pragma: no cover
    return np.asarray(local)


def prepare(
    Z: np.ndarray,
    Yd: np.ndarray,
    x: np.ndarray,
    G: int,
    N: int,
    *,
    va: np.ndarray | None = None,
    labels: Sequence[str] | None = None,
) -> Prepared:
    """Coefficients, the LU of ``I - A`` and of each ``I - A_ss``; raises on singularity.

    ``va`` defaults to ``x - 1'Z`` (decompr's ``v``); ``labels`` (n) name
    region-sectors in error messages.
    """
    import scipy.linalg as sla  # lazily: `import iocirc` stays light

    n = G * N
    Z = np.asarray(Z, dtype=float)
    Yd = np.asarray(Yd, dtype=float)
    x = np.asarray(x, dtype=float)
    if labels is None:
        labels = [f"country {g + 1}, sector {i + 1}" for g in range(G) for i in range(N)]
    inv_x = np.divide(1.0, x, out=np.zeros(n), where=x != 0)
    if va is None:
        va = x - Z.sum(axis=0)
    vc = va * inv_x
    # M' = (I - A)' in a C-ordered work array: its transpose is Fortran-ordered M'.
    work = np.multiply(Z, inv_x)  # A, new array
    np.negative(work, out=work)
    work.flat[:: n + 1] += 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sla.LinAlgWarning)
        lu, piv = sla.lu_factor(work.T, overwrite_a=True, check_finite=False)
    _check_lu(lu, labels, 0, "A")
    local = _local_inverses(Z, inv_x, G, N, labels)
    own = np.zeros((n, G), dtype=bool)
    for s in range(G):
        own[s * N : (s + 1) * N, s] = True
    yown = np.where(own, Yd, 0.0).sum(axis=1)
    Ym = np.where(own, 0.0, Yd)
    xe = np.where(x != 0, x, 0.0)
    return Prepared(
        G=G,
        N=N,
        n=n,
        Z=Z,
        x=x,
        inv_x=inv_x,
        vc=vc,
        Yd=Yd,
        yown=yown,
        Ym=Ym,
        yexp=Ym.sum(axis=1),
        xe=xe,
        lu=lu,
        piv=piv,
        local=local,
        labels=labels,
    )


def gross_exports(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Intermediate and final exports ``(n, G)`` by partner (own column zero)."""
    G, N, n = p.G, p.N, p.n
    eint = p.Z.reshape(n, G, N).sum(axis=2)
    for s in range(G):
        eint[p.rows(s), s] = 0.0
    return eint, p.Ym.copy()


def global_inverse(p: Prepared, *, consume: bool = False) -> np.ndarray:
    """``B = (I - A)^-1`` by LU solves on the identity (in place in the identity's array).

    LAPACK ``getri`` would save one ``n x n`` array but is several times slower
    with OpenBLAS on a busy machine. With ``consume`` the LU factors are
    released afterwards (``p`` can no longer solve).
    """
    import scipy.linalg as sla  # lazily: `import iocirc` stays light

    eye = np.eye(p.n, order="F")
    out = sla.lu_solve((p.lu, p.piv), eye, trans=1, overwrite_b=True, check_finite=False)
    if consume:
        p.lu = np.empty((0, 0))
    return np.asarray(out)


def leontief(p: Prepared) -> np.ndarray:
    """decompr's ``leontief(post = "exports")``: ``diag(v) B diag(E)``, shape (n, n)."""
    eint, efd = gross_exports(p)
    e = (eint + efd).sum(axis=1)
    out = global_inverse(p, consume=True)
    out *= p.vc[:, np.newaxis]
    out *= e
    return out


def kww(p: Prepared) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The nine KWW terms by exporting country, decompr's ``kww``.

    Returns ``terms`` (G, 9) in :data:`KWW_TERMS` order (``FDC`` as decompr:
    gross exports minus the other eight), gross exports (G,) and ``fdc_direct``
    (G,), the term computed by its formula ``sum_{t != s} v_t B_ts A_sr L_rr
    E_r*`` (equal to ``FDC`` when the row identity holds).
    """
    G, N, n = p.G, p.N, p.n
    eint, efd = gross_exports(p)
    e = (eint + efd).sum(axis=1)
    vb = p.vb_by_country()  # (G, n)
    own = np.repeat(np.arange(G), N)
    vbd = vb[own, np.arange(n)]  # v_s B_ss
    vbm_tot = vb.sum(axis=0) - vbd  # sum_{t != s} v_t B_tj
    xc = p.solve(p.Yd)  # B Y, (n, G)
    vby = p.vc[:, np.newaxis] * xc
    ly = p.local_solve(p.yown)
    le = p.local_solve(e)
    g = p.grouped(np.stack([ly, le], axis=1))  # (n, G, 2): A^F L Y_d, A^F L E by partner
    amly, amle = g[..., 0], g[..., 1]
    terms = np.zeros((G, 9))
    for s in range(G):
        rs = p.rows(s)
        other = np.ones(n, dtype=bool)
        other[rs] = False
        vae = vby[rs].sum() - vby[rs, s].sum()
        t1 = vbd[rs] @ p.yexp[rs]
        t2 = vb[s, other] @ p.yown[other]
        t4 = vb[s, other] @ p.Ym[other, s]
        t5 = vb[s, other] @ amly[other, s]
        t6 = vb[s, other] @ amle[other, s]
        t7 = vbm_tot[rs] @ p.yexp[rs]
        t8 = vbm_tot[rs] @ amly[rs].sum(axis=1)
        terms[s, :8] = (t1, t2, vae - t1 - t2, t4, t5, t6, t7, t8)
    exports = e.reshape(G, N).sum(axis=1)
    terms[:, 8] = exports - terms[:, :8].sum(axis=1)
    fdc_direct = (vbm_tot * amle.sum(axis=1)).reshape(G, N).sum(axis=1)
    return terms, exports, fdc_direct


def _b_products(p: Prepared, method: str = "auto") -> tuple[np.ndarray, ...]:
    """The products with ``B`` that WWZ needs, by the cheaper of two routes.

    Returns ``vb`` (G, n) ``sum_{k in t} v_k B[k, :]``; ``bdym`` (n, G) and
    ``bdyown`` (n,): ``B_rr Ym_r`` and ``B_rr yown_r``; ``bym``, ``byown``: the
    same with the whole ``B``; ``byd``, ``byexp`` (n, G): ``B[:, s] yown_s`` and
    ``B[:, s] yexp_s``.

    The diagonal blocks ``B_rr`` need either ``B`` itself (``n`` right-hand
    sides) or the solves ``B [0; M_r; 0]`` for each region (``G (G + 1)``
    right-hand sides, which also give the other products for free); ``auto``
    takes the route with fewer.
    """
    G, n = p.G, p.n
    rhs = np.concatenate([p.Ym, p.yown[:, np.newaxis]], axis=1)  # (n, G + 1)
    k = G + 1
    if method == "auto":
        method = "blocks" if G * k < n else "inverse"
    bd_rhs = np.empty_like(rhs)
    byd = np.empty((n, G))
    byexp = np.empty((n, G))
    if method == "blocks":
        spread = np.zeros((n, G * k), order="F")
        for r in range(G):
            spread[p.rows(r), r * k : (r + 1) * k] = rhs[p.rows(r)]
        sol = p.solve(spread)  # column block r: B[:, r] M_r
        del spread
        b_rhs = np.zeros((n, k))
        for r in range(G):
            block = sol[:, r * k : (r + 1) * k]
            bd_rhs[p.rows(r)] = block[p.rows(r)]
            b_rhs += block
            byd[:, r] = block[:, G]
            byexp[:, r] = block[:, :G].sum(axis=1)
        del sol
        vb = p.vb_by_country()
    else:
        B = global_inverse(p, consume=True)
        # v_t B_tj summed over the rows of each country t; no n x n temporaries here
        vb = np.empty((G, n))
        for t in range(G):
            vb[t] = p.vc[p.rows(t)] @ B[p.rows(t)]
        for r in range(G):
            rr = p.rows(r)
            bd_rhs[rr] = B[rr, rr] @ rhs[rr]
        b_rhs = B @ rhs
        for s in range(G):
            cols = B[:, p.rows(s)]
            byd[:, s] = cols @ p.yown[p.rows(s)]
            byexp[:, s] = cols @ p.yexp[p.rows(s)]
        del B
    return vb, bd_rhs[:, :G], bd_rhs[:, G], b_rhs[:, :G], b_rhs[:, G], byd, byexp


def wwz(p: Prepared, *, method: str = "auto") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sixteen WWZ terms, decompr's ``wwz``.

    Returns ``terms`` (n, G, 16) in :data:`WWZ_TERMS` order (row: exporting
    country-sector; column: importer), intermediate and final exports (n, G).
    ``method`` chooses how the products with ``B`` are formed (see
    :func:`_b_products`); the results agree to rounding.
    """
    G, N, n = p.G, p.N, p.n
    eint, efd = gross_exports(p)
    e = (eint + efd).sum(axis=1)
    own = np.repeat(np.arange(G), N)
    vl = p.local_solve_left(p.vc)  # v_s L_ss
    ly = p.local_solve(p.yown)
    le = p.local_solve(e)
    vb, bdym, bdyown, bym, byown, byd, byexp = _b_products(p, method)
    vbd = vb[own, np.arange(n)]
    vbm_tot = vb.sum(axis=0) - vbd
    bdyexp = bdym.sum(axis=1)
    bmym = bym - bdym  # sum_{t != r} B_rt Y_ts
    bmyown = byown - bdyown  # sum_{t != r} B_rt Y_tt
    bmyexp = bym.sum(axis=1) - bdyexp  # sum_{t != r} B_rt yexp_t
    # Per-exporter columns W[k, s] (k in r): A^F_sr W_r
    w = np.stack(
        [
            bmyown[:, np.newaxis] - byd,  # 3: sum_{t != s, r} B_rt Y_tt
            bdyexp[:, np.newaxis] - bdym,  # 4: B_rr sum_{u != s, r} Y_ru
            bmyexp[:, np.newaxis] - byexp - bmym,  # 5: sum_{t != s,r} B_rt sum_{u != s,t} Y_tu
            byd,  # 6: B_rs Y_ss
            bdym,  # 7: B_rr Y_rs
            bmym,  # 8: sum_{t != s, r} B_rt Y_ts
            byexp,  # 13: B_rs sum_{u != s} Y_su
        ],
        axis=2,
    )
    gw = p.grouped(w)
    gv = p.grouped(np.stack([bdyown, ly, p.xe, le], axis=1))
    terms = np.empty((n, G, 16))
    vl_ = vl[:, np.newaxis]
    terms[..., 0] = vbd[:, np.newaxis] * p.Ym
    terms[..., 1] = vl_ * gv[..., 0]
    terms[..., 2] = vl_ * gw[..., 0]
    terms[..., 3] = vl_ * gw[..., 1]
    terms[..., 4] = vl_ * gw[..., 2]
    terms[..., 5] = vl_ * gw[..., 3]
    terms[..., 6] = vl_ * gw[..., 4]
    terms[..., 7] = vl_ * gw[..., 5]
    mva = vb.T.copy()  # (n, G): v_r B_rs for exporter row j, importer r
    mva[np.arange(n), own] = 0.0
    ova = vbm_tot[:, np.newaxis] - mva
    ova[np.arange(n), own] = 0.0
    terms[..., 8] = ova * p.Ym
    terms[..., 9] = mva * p.Ym
    terms[..., 10] = ova * gv[..., 1]
    terms[..., 11] = mva * gv[..., 1]
    terms[..., 12] = vl_ * gw[..., 6]
    terms[..., 13] = (vbd - vl)[:, np.newaxis] * gv[..., 2]
    terms[..., 14] = ova * gv[..., 3]
    terms[..., 15] = mva * gv[..., 3]
    return terms, eint, efd


def absorption(p: Prepared) -> np.ndarray:
    """``diag(v) B Y``: value added of each row absorbed by each destination's final demand."""
    return p.vc[:, np.newaxis] * p.solve(p.Yd)


def participation(p: Prepared, in_nation: np.ndarray) -> np.ndarray:
    """WWYZ (2017) production-based decomposition of value added, split by nation.

    Returns (n, 7) in :data:`PARTICIPATION_TERMS` order: with ``L`` the local
    inverses, ``Y^D`` own final demand, ``A^F = A^N + A^W`` (within-nation and
    cross-border inter-country coefficients) and ``Y^F = Y^N + Y^W`` likewise,
    ``v L Y^D``, ``v L Y^N``, ``v L Y^W``, ``v L A^N L Y^D``, ``v L A^W L Y^D``,
    ``v L A^N (B Y - L Y^D)``, ``v L A^W (B Y - L Y^D)``, each summed over
    destinations (row sums).
    """
    G, N = p.G, p.N
    in_nation = np.asarray(in_nation, dtype=bool)
    country = np.repeat(np.arange(G), N)
    yfull = p.Yd.sum(axis=1)
    # Final exports split by whether the destination is in the nation with the producer.
    same = in_nation[country][:, np.newaxis] & in_nation[np.newaxis, :]
    y_n = np.where(same, p.Ym, 0.0).sum(axis=1)
    y_w = p.yexp - y_n
    ly = p.local_solve(p.yown)
    ly_n = p.local_solve(y_n)
    ly_w = p.local_solve(y_w)
    by = p.solve(yfull)
    rest = by - ly  # B Y - L Y^D
    # A^F split: within-nation (both countries in the nation) and cross-border.
    g = p.grouped(np.stack([ly, rest], axis=1))  # (n, G, 2) per partner r
    nat = same  # (n, G): partner r in nation with exporter row j
    af_ly_n = np.where(nat, g[..., 0], 0.0).sum(axis=1)
    af_ly_w = g[..., 0].sum(axis=1) - af_ly_n
    af_rest_n = np.where(nat, g[..., 1], 0.0).sum(axis=1)
    af_rest_w = g[..., 1].sum(axis=1) - af_rest_n
    cols = np.stack([af_ly_n, af_ly_w, af_rest_n, af_rest_w], axis=1)
    l_cols = p.local_solve(cols)  # L A^F ...: value added of row j = v_j (L ...)_j
    vc = p.vc[:, np.newaxis]
    out = np.empty((p.n, 7))
    out[:, 0] = p.vc * ly
    out[:, 1] = p.vc * ly_n
    out[:, 2] = p.vc * ly_w
    out[:, 3:7] = vc * l_cols
    return out


# ---------------------------------------------------------------------------------------------
# From a table to the kernels' arrays
# ---------------------------------------------------------------------------------------------

#: Label of the pseudo-region standing for an exogenous rest of the world.
ROW_LABEL = "rest_of_world"


@dataclass
class Context:
    """A table's arrays as the kernels take them, with its labels.

    ``producers`` are the table's regions, plus :data:`ROW_LABEL` when the
    table has an exogenous rest of the world (``export`` or ``import``); the
    kernels see ``G = len(producers)`` countries. ``n_real`` rows belong to the
    table's own regions.
    """

    prep: Prepared
    regions: tuple[str, ...]  # the table's regions
    producers: tuple[str, ...]  # regions (+ rest of world)
    sectors: tuple[str, ...]
    in_nation: np.ndarray  # over producers
    unit: str
    has_row: bool
    va: np.ndarray  # (n_real,) value added, x - 1'Z

    @property
    def R(self) -> int:
        return len(self.regions)

    @property
    def n_real(self) -> int:
        return len(self.regions) * len(self.sectors)


def context(mrio: object, *, nation: Sequence[str] | None = None) -> Context:
    """Check a table and build the (possibly extended) system the kernels decompose.

    An exogenous rest of the world (variables ``export``/``import``) becomes a
    pseudo-region :data:`ROW_LABEL`: its final demand is the exports; it
    produces the imported products, which reach the importing region's users in
    proportion to their use of each product, with no inputs of its own (all its
    output is value added of abroad).
    """
    import xarray as xr

    from iocirc.errors import ArgumentError, ArgumentTypeError, BalanceError, SchemaError
    from iocirc.mrio._matrices import as_matrices

    if not isinstance(mrio, xr.Dataset):
        raise ArgumentTypeError(
            f"expected a multi-regional table (xarray.Dataset), got {type(mrio).__name__}; "
            "build one with iocirc.mrio.from_matrices"
        )
    from iocirc.mrio._table import validate as validate_mrio

    # The decompositions sum to GDP and gross exports only where the identities hold:
    # refuse a table that does not add up (a published residual is its `discrepancy`).
    validate_mrio(mrio)
    m = as_matrices(mrio)
    regions, sectors = m.regions, m.sectors
    R, S, n = m.R, m.S, m.n
    in_nation = np.array(m.in_nation, dtype=bool)
    if nation is not None:
        if isinstance(nation, str):
            raise ArgumentTypeError(
                f"nation must be a sequence of region labels, got the string {nation!r}"
            )
        chosen = [str(r) for r in nation]
        unknown = [r for r in chosen if r not in regions]
        if unknown:
            raise ArgumentError(f"nation names unknown region(s) {unknown}; regions: {regions}")
        dups = sorted({r for r in chosen if chosen.count(r) > 1})
        if dups:
            raise ArgumentError(f"nation names the region(s) {dups} more than once")
        in_nation = np.array([r in chosen for r in regions], dtype=bool)
    labels = [f"region {r!r}, sector {s!r}" for r in regions for s in sectors]
    Z, Yd, x = m.Z, m.Yd, m.x
    imported_inputs = getattr(m, "imported_inputs", np.zeros(n))
    imported_final = getattr(m, "imported_final_use", np.zeros(0)).reshape(R, -1).sum(axis=1)
    va = x - Z.sum(axis=0) - imported_inputs
    competitive = bool(np.any(m.imports != 0))
    noncompetitive = bool(np.any(imported_inputs != 0) or np.any(imported_final != 0))
    has_row = bool(np.any(m.export != 0) or competitive or noncompetitive)
    if has_row:
        if ROW_LABEL in regions:
            raise SchemaError(
                f"the table has a region labelled {ROW_LABEL!r} and an exogenous rest of the world "
                "(export/import); rename the region"
            )
        Zx = np.zeros((n + S, n + S))
        Yx = np.zeros((n + S, R + 1))
        if competitive:
            # The imported share of every use of a product (intermediate, final, exported,
            # and a positive row residual): m <= base whenever output is non-negative.
            base = Z.sum(axis=1) + Yd.sum(axis=1) + m.export + np.maximum(m.discrepancy, 0.0)
            imports = m.imports
            bad = (imports > 0) & ~(imports <= base * (1.0 + 1e-12))
            if np.any(bad):  # pragma: no cover - only with negative output, refused before
                i = int(np.flatnonzero(bad)[0])
                raise BalanceError(
                    f"imports of {labels[i]} ({imports[i]:g}) exceed its total use "
                    f"({base[i]:g}): the imported share of the product is not in [0, 1]"
                )
            share = np.minimum(np.divide(imports, base, out=np.zeros(n), where=imports > 0), 1.0)
            dom = 1.0 - share
            Zx[:n, :n] = dom[:, np.newaxis] * Z
            Zx[n:, :n] = (share[:, np.newaxis] * Z).reshape(R, S, n).sum(axis=0)
            Yx[:n, :R] = dom[:, np.newaxis] * Yd
            Yx[:n, R] = dom * m.export
            Yx[n:, :R] = (share[:, np.newaxis] * Yd).reshape(R, S, R).sum(axis=0)
            Yx[n:, R] = (share * m.export).reshape(R, S).sum(axis=0)  # re-exports
        else:
            # Non-competitive imports: sector j of the rest of the world supplies the
            # imported inputs of every sector j; imported final goods are spread over its
            # sectors in proportion to those (equally if there are none).
            Zx[:n, :n] = Z
            cols = np.arange(n)
            Zx[n + cols % S, cols] = imported_inputs
            Yx[:n, :R] = Yd
            Yx[:n, R] = m.export
            supplied = imported_inputs.reshape(R, S).sum(axis=0)
            total = supplied.sum()
            weights = supplied / total if total > 0 else np.full(S, 1.0 / S)
            Yx[n:, :R] = weights[:, np.newaxis] * imported_final[np.newaxis, :]
        xx = np.concatenate([x, Zx[n:].sum(axis=1) + Yx[n:].sum(axis=1)])
        Z, Yd, x = Zx, Yx, xx
        labels += [f"region {ROW_LABEL!r}, sector {s!r}" for s in sectors]
        producers = (*regions, ROW_LABEL)
        in_nation = np.append(in_nation, False)
    else:
        producers = regions
    prep = prepare(Z, Yd, x, len(producers), S, labels=labels)
    return Context(
        prep=prep,
        regions=regions,
        producers=producers,
        sectors=sectors,
        in_nation=in_nation,
        unit=str(mrio.attrs.get("currency_unit", "")),
        has_row=has_row,
        va=va,
    )


def base_attrs(ctx: Context, long_name: str) -> dict[str, str]:
    return {"units": ctx.unit, "long_name": long_name}
