"""Water-side economizer: a plate heat exchanger between tower water and chilled-water return.

Model (effectiveness of a counterflow plate HX, Incropera & DeWitt ch. 11)::

    Q_hx = eps * C_min * (T_chw,return - T_cw,supply),    C_min = min(m_chw, m_cw) * c_p

The economizer pre-cools the chilled-water return in series with the chillers:

- *free*: ``Q_hx >= Q_chw`` - chillers off, the HX carries the whole load;
- *partial*: ``0 < Q_hx < Q_chw`` - chillers trim the rest;
- *mechanical*: the tower water is not colder than the return by the changeover margin.

The HX effectiveness follows from its design approach (docs/sources.md 2.2: 1.7-2.8 K, Lei &
Masanet 2020 Table 3).
"""

from components._jit import jit

MODE_MECHANICAL = 0
MODE_PARTIAL = 1
MODE_FREE = 2


@jit
def economizer_duty_w(q_chw_w, temp_chw_return, temp_cw_supply, c_min_w_per_k, effectiveness,
                      changeover_margin_k):
    """Heat the plate HX removes from the chilled-water return. [W]

    Returns ``(q_hx, mode)`` with ``mode`` one of ``MODE_MECHANICAL``, ``MODE_PARTIAL``,
    ``MODE_FREE``.
    """
    if q_chw_w <= 0.0 or temp_cw_supply > temp_chw_return - changeover_margin_k:
        return 0.0, MODE_MECHANICAL
    q = effectiveness * c_min_w_per_k * (temp_chw_return - temp_cw_supply)
    if q >= q_chw_w:
        return q_chw_w, MODE_FREE
    return q, MODE_PARTIAL
