"""dctwin in a script: run the bundled legacy room, change one input, compare the two.

Run it with ``python examples/quickstart.py`` (the tests execute it).  It prints, for the bundled
``guangzhou_legacy`` scenario at its own IT utilisation and at 60 %: the annual PUE and facility
energy, the month with the worst PUE (from the summary) and the hour of peak facility power with
its outdoor wet bulb (from the hourly dataset, whose time axis is UTC).  It writes nothing.
"""

import dctwin


def main() -> None:
    print(f"dctwin {dctwin.__version__}")
    base = dctwin.run("guangzhou_legacy")                          # a bundled name or a TOML path
    busier = dctwin.run("guangzhou_legacy", it__utilisation=0.6)   # scenario keys as overrides
    for label, res in (("as bundled", base), ("utilisation 0.6", busier)):
        s = res.summary()                                          # the dict of `dctwin run --json`
        ds = res.to_dataset()                                      # hourly xarray.Dataset, SI units
        monthly = s["pue_monthly"]["value"]                        # January..December
        worst = max(range(12), key=lambda m: monthly[m])
        peak = ds.isel(time=int(ds["p_facility"].argmax(dim="time")))
        print(f"{label:16s} PUE {s['pue']['value']:.4f}  facility {s['energy_facility_kwh']['value']:,.0f} kWh  "
              f"worst month {worst + 1} (PUE {monthly[worst]:.4f})  peak {float(peak['p_facility']) / 1e3:,.1f} kW "
              f"at {str(peak['time'].values)[:16]} UTC, wet bulb {float(peak['temp_wet_bulb']):.1f} degC")


if __name__ == "__main__":
    main()
