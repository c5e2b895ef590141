"""Sums and bills over output channels, bit-identical to the NumPy formulations they replace.

The run summary of a sweep case is built from a few hundred NumPy calls over a year of steps,
each costing microseconds of call overhead and a temporary array.  The loops here do the
costliest of them in one compiled call each, with the same floating-point operations in the
same order, so every reported number is unchanged (``tests/test_summary_sums.py``):

- :func:`monthly_sums`: ``np.bincount(month_index, weights=values, minlength=12)``;
- :func:`bill_steps`: the per-step electricity bill of :func:`twin.metrics.tariff.electricity_cost`.

Units are those of the arrays given (W, CNY, ...); nothing here allocates (:func:`components._jit.jit`).
"""

from components._jit import jit


@jit
def monthly_sums(values, month_index, sums):
    """Sum of ``values`` by calendar month, bit-identical to ``np.bincount(month_index, weights=values,
    minlength=12)``: each month's steps added to 0.0 in time order.

    Parameters
    ----------
    values : ndarray, shape (n_steps,)
        One value per step (any unit).
    month_index : ndarray of int, shape (n_steps,)
        Calendar month of each step, 0 = January.
    sums : ndarray, shape (12,)
        Overwritten with the twelve sums.
    """
    sums[:] = 0.0
    n = values.shape[0]
    i = 0
    while i < n:  # a month's run of steps accumulates in a register, in the same order
        m = month_index[i]
        acc = sums[m]
        while i < n and month_index[i] == m:
            acc += values[i]
            i += 1
        sums[m] = acc


@jit
def bill_steps(grid_w, timestep_s, flat_price, multiplier, surcharge_price, month_index, demand_charge,
               channels, rows, grid_kwh, energy_cny, surcharge_cny, demand_cny, step_cny, cny_per_w,
               monthly_peak_kw, peak_step):
    """Per-step electricity bill and each step's cost per watt of facility component power.

    The element-wise operations of :func:`twin.metrics.tariff.electricity_cost` (its former NumPy
    formulation, bit for bit): ``grid_kwh = grid_w * timestep_s / 3.6e6``, ``energy_cny = grid_kwh
    * flat_price * multiplier``, ``surcharge_cny = grid_kwh * surcharge_price``; each calendar
    month's demand charge ``peak kW x demand_charge`` sits on its first step of highest grid power
    (``np.argmax`` over the month's steps in time order, a NaN counting as the highest);
    ``step_cny = energy + surcharge + demand``, and ``cny_per_w = step_cny / sum of the component
    powers`` (summed in ``rows`` order from 0.0), 0 where that sum is not positive.

    Parameters
    ----------
    grid_w : ndarray, shape (n_steps,)
        Power bought from the grid [W].
    timestep_s, flat_price, demand_charge : float
        Step length [s], flat-period price [CNY/kWh], demand charge [CNY/(kW month)].
    multiplier, surcharge_price : ndarray, shape (n_steps,)
        Time-of-use price ratio [-] and PUE surcharge [CNY/kWh] of each step.
    month_index : ndarray of int, shape (n_steps,)
        Calendar month of each step, 0 = January.
    channels : ndarray, shape (n_channels, n_steps)
        Power channels [W]; ``rows`` (int array) selects the facility components.
    grid_kwh, energy_cny, surcharge_cny, demand_cny, step_cny, cny_per_w : ndarray, shape (n_steps,)
        Filled [kWh, CNY, CNY, CNY, CNY, CNY/W].
    monthly_peak_kw : ndarray, shape (12,)
        Filled with each month's highest grid power [kW], 0 for a month without steps.
    peak_step : ndarray of int, shape (12,)
        Filled with the step of each month's peak, -1 for a month without steps.
    """
    n = grid_w.shape[0]
    for i in range(n):
        kwh = grid_w[i] * timestep_s / 3.6e6
        grid_kwh[i] = kwh
        energy_cny[i] = kwh * flat_price * multiplier[i]
        surcharge_cny[i] = kwh * surcharge_price[i]
        demand_cny[i] = 0.0
    peak_step[:] = -1
    for i in range(n):  # np.argmax over each month's steps: the first highest, a NaN counting as the highest
        m = month_index[i]
        k = peak_step[m]
        if k < 0 or grid_w[i] > grid_w[k] or (grid_w[i] != grid_w[i] and grid_w[k] == grid_w[k]):
            peak_step[m] = i
    for m in range(12):
        monthly_peak_kw[m] = 0.0
        k = peak_step[m]
        if k >= 0:
            monthly_peak_kw[m] = grid_w[k] / 1e3
            demand_cny[k] += monthly_peak_kw[m] * demand_charge
    total_w = cny_per_w  # the component sum, accumulated row by row, then replaced by the ratio
    total_w[:] = 0.0
    for r in rows:
        for i in range(n):
            total_w[i] += channels[r, i]
    for i in range(n):
        step_cny[i] = energy_cny[i] + surcharge_cny[i] + demand_cny[i]
        cny_per_w[i] = step_cny[i] / total_w[i] if total_w[i] > 0.0 else 0.0
