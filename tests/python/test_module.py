"""The Python module against the CLI, an independent numpy computation and
hand-derived cases. Run by ctest (tests/CMakeLists.txt) with PYTHONPATH set to
the build tree's python/ and CHOKEPOINT_EXE to the executable."""

import json
import os
import subprocess

import numpy as np
import pandas as pd
import pytest

import chokepoint

EXE = os.environ.get("CHOKEPOINT_EXE", "chokepoint")


def cli_json(*args):
    out = subprocess.run([EXE, *args, "--json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def cli_error(*args):
    out = subprocess.run([EXE, *args], capture_output=True, text=True)
    assert out.returncode != 0
    return out.stderr


def make_series(n=102, seed=5, start="2016-01"):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    season = 0.1 * np.sin(2 * np.pi * t / 12)
    noise = np.zeros(n)
    for i in range(1, n):
        noise[i] = 0.5 * noise[i - 1] + rng.normal(0, 0.08)
    values = 100 * np.exp(0.01 * t + season + noise)
    return pd.Series(values, index=pd.period_range(start, periods=n, freq="M"), name="value")


@pytest.fixture()
def series_csv(tmp_path):
    s = make_series()
    path = tmp_path / "series.csv"
    with open(path, "w") as f:
        f.write("month,value\n")
        for month, v in s.items():
            f.write(f"{month.year:04d}-{month.month:02d},{v!r}\n")
    return s, str(path)


def without_input(d):
    d = dict(d)
    d.pop("input", None)
    return d


def test_version_is_the_executables():
    out = subprocess.run([EXE, "version"], check=True, capture_output=True, text=True).stdout
    assert chokepoint.__version__ in out


def test_bootstrap_equals_the_cli(series_csv):
    s, path = series_csv
    py = chokepoint.bootstrap(s, replicates=199, seed=11, scheme="residual", level=0.8).to_dict()
    cli = cli_json("bootstrap", "--input", path, "--column", "value", "--replicates", "199", "--seed", "11",
                   "--scheme", "residual", "--level", "0.8", "--quiet")
    assert py == cli
    assert py["replicates"] == 199


def test_bootstrap_result_attributes(series_csv):
    s, _ = series_csv
    r = chokepoint.bootstrap(s, replicates=99, seed=1)
    assert r.V["point"] == r.to_dict()["V"]["point"]
    assert "bootstrap" in repr(r)
    with pytest.raises(AttributeError):
        r.no_such_field


def test_bootstrap_is_thread_invariant(series_csv):
    s, _ = series_csv
    one = chokepoint.bootstrap(s, replicates=300, seed=4, threads=1).to_dict()
    two = chokepoint.bootstrap(s, replicates=300, seed=4, threads=2).to_dict()
    assert (one.pop("threads"), two.pop("threads")) == (1, 2)  # what ran; everything else equal
    assert one == two


def test_bootstrap_set_reaches_any_key(series_csv):
    s, _ = series_csv
    a = chokepoint.bootstrap(s, replicates=99, seed=2, set={"bootstrap.scheme_diagnostics": False}).to_dict()
    b = chokepoint.bootstrap(s, replicates=99, seed=2).to_dict()
    assert "scheme_regime_probability" not in a  # the diagnostics were switched off
    assert set(b["scheme_regime_probability"]) == {"levels", "residual", "growth", "sieve"}


def test_block_length_equals_the_cli(series_csv):
    s, path = series_csv
    assert chokepoint.block_length(s).to_dict() == cli_json("blocklength", "--input", path, "--column", "value")
    assert chokepoint.block_length(s, scheme="growth").to_dict() == cli_json(
        "blocklength", "--input", path, "--column", "value", "--scheme", "growth")


def test_breaks_equals_the_cli(series_csv):
    s, path = series_csv
    py = chokepoint.breaks(np.log(s), replicates=99, seed=3, max_breaks=3).to_dict()
    log_path = path.replace("series.csv", "log.csv")
    with open(log_path, "w") as f:
        f.write("month,value\n")
        for month, v in np.log(s).items():
            f.write(f"{month.year:04d}-{month.month:02d},{v!r}\n")
    cli = cli_json("breaks", "--input", log_path, "--column", "value", "--replicates", "99", "--seed", "3",
                   "--max-breaks", "3")
    assert without_input(py) == without_input(cli)
    assert py["input"] == "<python>"


def test_hac_equals_the_cli(series_csv):
    s, path = series_csv
    for options, flags in [({}, []), ({"kernel": "qs", "prewhite": True}, ["--kernel", "qs", "--prewhite"]),
                           ({"lag": 4, "seasonal": True}, ["--lag", "4", "--seasonal"])]:
        py = chokepoint.hac(s, **options).to_dict()
        cli = cli_json("hac", "--input", path, "--column", "value", *flags)
        assert without_input(py) == without_input(cli), options


def test_surge_equals_the_cli(series_csv):
    s, path = series_csv
    py = chokepoint.surge(s, max_surges=1).to_dict()
    cli = cli_json("surge", "--input", path, "--column", "value", "--max-surges", "1")
    assert py == cli


def test_errors_carry_the_cli_message(series_csv):
    s, path = series_csv
    with pytest.raises(ValueError, match="regressors must be level or trend"):
        chokepoint.breaks(s, regressors="quadratic")
    with pytest.raises(ValueError, match='unknown option "lags"'):
        chokepoint.hac(s, lags=3)
    with pytest.raises(ValueError, match="unknown option 'replicate'"):
        chokepoint.bootstrap(s, replicate=10)
    with pytest.raises(ValueError) as py_error:
        chokepoint.bootstrap(s, replicates=-5)
    # Keyword options travel as --set assignments: the message --set gives.
    cli = cli_error("bootstrap", "--input", path, "--column", "value", "--set", "bootstrap.replicates=-5")
    assert str(py_error.value) in cli and "bootstrap.replicates" in str(py_error.value)
    with pytest.raises(ValueError, match="no month column"):
        chokepoint.surge(s.to_numpy())
    with pytest.raises(ValueError, match="at least 3"):
        chokepoint.bootstrap(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="one-dimensional"):
        chokepoint.bootstrap(np.ones((3, 4)))


def test_pandas_indexes_give_the_start(series_csv):
    s, _ = series_csv
    by_period = chokepoint.surge(s, max_surges=1).to_dict()
    by_datetime = chokepoint.surge(pd.Series(s.to_numpy(), index=s.index.to_timestamp()), max_surges=1).to_dict()
    by_start = chokepoint.surge(s.to_numpy(), start="2016-01", max_surges=1).to_dict()
    assert by_period == by_datetime == by_start
    assert by_period["first_month"] == "2016-01"
    gappy = s.drop(s.index[10])
    with pytest.raises(ValueError, match="follow one another"):
        chokepoint.surge(gappy)
    with pytest.raises(ValueError, match="disagrees"):
        chokepoint.surge(s, start="2017-01")
    with pytest.raises(ValueError, match="monthly"):
        chokepoint.indices(pd.Series(s.to_numpy(), index=pd.period_range("2016Q1", periods=len(s), freq="Q")))


def numpy_indices(x, weighting="linear", base="first"):
    """V and G of docs/method.md §2.2-2.4, written independently."""
    x = np.asarray(x, dtype=float)
    P = len(x)
    V = x.std(ddof=1) / x.mean()
    p = np.arange(1, P + 1, dtype=float)
    w = {"linear": p, "equal": np.ones(P), "quadratic": p ** 2}[weighting]
    b = x[0] if base == "first" else x[:12].mean()
    G = (w * x).sum() / w.sum() / b - 1
    return V, G


def test_indices_match_an_independent_numpy_computation():
    rng = np.random.default_rng(8)
    frame = pd.DataFrame(rng.lognormal(3, 0.4, size=(120, 40)),
                         index=pd.period_range("2015-01", periods=120, freq="M"),
                         columns=[f"s{i}" for i in range(40)])
    for weighting, base in [("linear", "first"), ("equal", "first12"), ("quadratic", "first")]:
        got = chokepoint.indices(frame, weighting=weighting, base=base, threads=2)
        assert list(got.index) == list(frame.columns)
        for name in frame.columns:
            V, G = numpy_indices(frame[name], weighting, base)
            assert got.loc[name, "V"] == pytest.approx(V, rel=1e-12)
            assert got.loc[name, "G"] == pytest.approx(G, rel=1e-12)
            assert got.loc[name, "status"] == "ok"
    # One series gives the same numbers as the batch (defaults: linear, first).
    one, batch = chokepoint.indices(frame["s3"]), chokepoint.indices(frame)
    assert (one.V, one.G, one.status) == (batch.loc["s3", "V"], batch.loc["s3", "G"], "ok")
    single_thread = chokepoint.indices(frame, threads=1)
    assert single_thread.equals(chokepoint.indices(frame, threads=2))


def test_indices_read_every_layout_in_place_with_the_same_numbers():
    # The engine reads a frame's block and an array's strided views in place;
    # every layout must give the numbers of a C-ordered copy, bit for bit.
    rng = np.random.default_rng(9)
    block = rng.lognormal(3, 0.4, size=(61, 45))  # months x series, odd sizes
    block[7, 4] = np.nan  # a missing month in one series
    months = pd.period_range("2018-03", periods=61, freq="M")
    reference = chokepoint.indices(np.ascontiguousarray(block.T), start="2018-03")
    assert reference.loc[4, "status"] == "missing_in_window"
    layouts = {
        "frame from a months x series array (F-ordered transpose)": pd.DataFrame(block, index=months),
        "frame from columns (C-ordered transpose)": pd.DataFrame({i: block[:, i] for i in range(45)}, index=months),
        "transposed array": block.T,
    }
    for name, x in layouts.items():
        got = chokepoint.indices(x, start="2018-03") if isinstance(x, np.ndarray) else chokepoint.indices(x)
        assert np.array_equal(got["V"].to_numpy(), reference["V"].to_numpy(), equal_nan=True), name
        assert np.array_equal(got["G"].to_numpy(), reference["G"].to_numpy(), equal_nan=True), name
        assert list(got["status"]) == list(reference["status"]), name
    # Every other series and month of a wider array: a view with strides of
    # two elements in both directions, against its contiguous copy; reversed
    # series (a negative stride) likewise.
    wide = rng.lognormal(3, 0.4, size=(90, 130))
    for view in (wide[::2, ::2], wide[::-1], wide[::-3, 1::2]):
        got, want = chokepoint.indices(view), chokepoint.indices(np.ascontiguousarray(view))
        assert got["V"].to_numpy().tobytes() == want["V"].to_numpy().tobytes()
        assert got["G"].to_numpy().tobytes() == want["G"].to_numpy().tobytes()
    # Other dtypes are converted first.
    ints = (wide[:5] * 100).astype(np.int64)
    assert chokepoint.indices(ints).equals(chokepoint.indices(ints.astype(float)))
    # Doubles not aligned to 8 bytes (read from a copy), a read-only array,
    # and no series at all.
    raw = bytearray(wide[:6].nbytes + 4)
    misaligned = np.frombuffer(raw, dtype=np.float64, count=wide[:6].size, offset=4).reshape(6, 130)
    misaligned[...] = wide[:6]
    assert not misaligned.flags.aligned
    assert chokepoint.indices(misaligned).equals(chokepoint.indices(np.ascontiguousarray(wide[:6])))
    frozen = wide[:6].copy()
    frozen.flags.writeable = False
    assert chokepoint.indices(frozen).equals(chokepoint.indices(wide[:6]))
    assert len(chokepoint.indices(np.empty((0, 24)))) == 0


def test_indices_report_undefined_values():
    got = chokepoint.indices(np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0], [-1.0, 1.0, 0.5]]))
    assert list(got["status"]) == ["mean_not_positive", "ok", "base_not_positive"]
    assert np.isnan(got["V"][0]) and np.isnan(got["G"][2])
    gap = np.arange(1.0, 25.0)
    gap[5] = np.nan  # a missing month inside the window, not a bad mean
    assert chokepoint.indices(gap).status == "missing_in_window"
    assert chokepoint.indices(gap, start="2016-01", window_start="2017-01").status == "ok"
    window = chokepoint.indices(np.arange(1.0, 25.0), start="2016-01", window_start="2017-01")
    V, G = numpy_indices(np.arange(13.0, 25.0))
    assert window.V == pytest.approx(V, rel=1e-12) and window.G == pytest.approx(G, rel=1e-12)


def test_classify_by_hand():
    # Thresholds g* = 0.5, v_hi = 0.3, v_lo = 0.24: G = g* is low growth,
    # both volatility bounds belong to medium.
    r = chokepoint.classify(0.31, 0.6)
    assert (r.regime, r.cell) == ("stockpiling", "high_volatility/high_growth")
    table = chokepoint.classify(np.array([0.30, 0.24, 0.2399, 0.5]), np.array([0.5, 0.51, 2.0, 0.1]))
    assert list(table["cell"]) == ["medium_volatility/low_growth", "medium_volatility/high_growth",
                                   "low_volatility/high_growth", "high_volatility/low_growth"]
    moved = chokepoint.classify(0.31, 0.6, growth_threshold=0.7)
    assert moved.cell == "high_volatility/low_growth"
    with pytest.raises(ValueError):
        chokepoint.classify(0.3, 0.1, volatility_low=0.5)  # v_lo > v_hi
    undefined = chokepoint.classify(np.array([np.nan, 0.3]), np.array([0.1, np.nan]))
    assert list(undefined["regime"]) == ["undefined", "undefined"]  # as the run leaves them


def test_read_run(tmp_path):
    path = tmp_path / "run.h5"
    subprocess.run([EXE, "run", "--out", str(path), "--no-models", "--no-bootstrap", "--quiet"], check=True,
                   capture_output=True)
    run = chokepoint.read_run(str(path))
    import h5py

    with h5py.File(path) as f:
        assert list(run.groups["V"]) == list(f["indices/V"][()])
        assert run.meta["seed"] == f.attrs["seed"]
        assert run.series.shape == tuple(reversed(f["series/values"].shape))
    assert run.series.index[0] == pd.Period("2015-01", freq="M") or run.series.index.freqstr.startswith("M")
    assert "aggregate" in run.tables
    with pytest.raises(ValueError, match="not a chokepoint run file"):
        other = tmp_path / "other.h5"
        with h5py.File(other, "w") as f:
            f["x"] = [1, 2, 3]
        chokepoint.read_run(str(other))


def test_run_in_process_equals_the_cli(tmp_path):
    ours = chokepoint.run(tmp_path / "py.h5", seed=3, replicates=60, set={"run.models": False})
    subprocess.run([EXE, "run", "--out", str(tmp_path / "cli.h5"), "--seed", "3", "--replicates", "60", "--no-models",
                    "--quiet"], check=True, capture_output=True)
    theirs = chokepoint.read_run(str(tmp_path / "cli.h5"))
    assert ours.meta["config_toml"].replace("py.h5", "X") == theirs.meta["config_toml"].replace("cli.h5", "X")
    pd.testing.assert_frame_equal(ours.groups, theirs.groups)
    pd.testing.assert_frame_equal(ours.tables["bootstrap"], theirs.tables["bootstrap"])
    assert np.array_equal(ours.arrays["bootstrap/G_replicates"], theirs.arrays["bootstrap/G_replicates"], equal_nan=True)


def test_simulate_is_the_run_panel(tmp_path):
    frame = chokepoint.simulate("paper2025", seed=3)
    assert frame.attrs["label"] == "synthetic: scenario paper2025, seed 3"
    assert frame.index[0] == pd.Period("2015-01", freq="M")
    assert all(len(c) == 8 for c in frame.columns)
    again = chokepoint.simulate("paper2025", seed=3)
    pd.testing.assert_frame_equal(frame, again)
    assert not frame.equals(chokepoint.simulate("paper2025", seed=4))
    with pytest.raises(ValueError):
        chokepoint.simulate("no_such_scenario")


def test_ingest_generic_layout_and_preset_equal_the_cli(tmp_path):
    # A partner's exports to China in thousands of US$ with YYYY/M periods,
    # read with the partner-exports preset and a partner filter: the same
    # panel and provenance from Python as from the CLI (values hand-summed).
    src = tmp_path / "mirror.csv"
    src.write_text(
        "Period,Partner,Flow,HS Code,Value\n"
        "2016/1,China,Export,848620,1234.5\n"
        "2016/1,China,Import,848620,99\n"
        "2016/1,\"Hong Kong, China\",Export,848620,50\n"
        "2016/3,China,Export,8542,\"1,000\"\n"
    )
    frame = chokepoint.ingest(src, preset="partner-exports", where=["Partner=China"], out=tmp_path / "py.h5")
    assert list(frame.columns) == ["848620", "8542"]  # codes at their own level, ordered as text
    assert frame.loc[pd.Period("2016-01", freq="M"), "848620"] == 1234500.0
    assert frame.loc[pd.Period("2016-03", freq="M"), "8542"] == 1000000.0
    assert np.isnan(frame.loc[pd.Period("2016-02", freq="M"), "8542"])
    assert "left out by filters" in frame.attrs["report"]
    subprocess.run([EXE, "ingest", str(src), "--preset", "partner-exports", "--where", "Partner=China",
                    "--out", str(tmp_path / "cli.h5")], check=True, capture_output=True)
    import h5py

    with h5py.File(tmp_path / "py.h5") as a, h5py.File(tmp_path / "cli.h5") as b:
        assert np.array_equal(a["panel/values"][()], b["panel/values"][()])
        assert a["panel"].attrs["hs_levels"] == b["panel"].attrs["hs_levels"] == "4,6"
        assert a["panel"].attrs["provenance"] == b["panel"].attrs["provenance"]
    with pytest.raises(ValueError, match="--period-format"):
        chokepoint.ingest(src, preset="partner-exports", period_format="MM/DD")
    with pytest.raises(ValueError, match="partner-exports"):
        chokepoint.ingest(src, preset="no-such-preset")


def test_ingest_equals_the_cli(tmp_path):
    src = tmp_path / "canonical.csv"
    with open(src, "w") as f:
        f.write("hs8,period,value_usd\n")
        for code in ("84861000", "85423100"):
            for m in range(1, 13):
                f.write(f"{code},2020-{m:02d},{1000 * m + int(code[-3:])}\n")
    frame = chokepoint.ingest(src, out=tmp_path / "py.h5")
    assert list(frame.columns) == ["84861000", "85423100"]
    assert frame.loc[pd.Period("2020-03", freq="M"), "85423100"] == 3100
    assert "rows" in frame.attrs["report"]
    subprocess.run([EXE, "ingest", str(src), "--out", str(tmp_path / "cli.h5")], check=True, capture_output=True)
    import h5py

    with h5py.File(tmp_path / "py.h5") as a, h5py.File(tmp_path / "cli.h5") as b:
        assert np.array_equal(a["panel/values"][()], b["panel/values"][()])
    with pytest.raises(ValueError, match="--format must be"):
        chokepoint.ingest(src, format="xls")
    bad = tmp_path / "bad.csv"
    bad.write_text("hs8,period,value_usd\n8486100,2020-01,5\n")
    with pytest.raises(ValueError, match="bad.csv:2"):
        chokepoint.ingest(bad)


def test_sweep_of_a_dataframe_equals_the_csv(tmp_path):
    frame = chokepoint.simulate("paper2025", seed=2).iloc[:, :6].fillna(1.0)
    frame.columns = [f"group{i}" for i in range(6)]
    settings = {"sweep.replicates": 20, "sweep.growth": [0.4, 0.5]}
    a = chokepoint.sweep(tmp_path / "a.h5", frame, set=settings)
    path = tmp_path / "series.csv"
    table = frame.copy()
    table.index = [str(p) for p in frame.index]
    table.index.name = "month"
    table.to_csv(path, float_format="%.17g")
    b = chokepoint.sweep(tmp_path / "b.h5", str(path), set=settings)
    sweep_arrays = [k for k in a.arrays if k.startswith("sweep/")]
    assert len(sweep_arrays) > 10 and sorted(sweep_arrays) == sorted(k for k in b.arrays if k.startswith("sweep/"))
    for k in sweep_arrays:
        x, y = np.asarray(a.arrays[k]), np.asarray(b.arrays[k])
        assert x.shape == y.shape, k
        if x.dtype.kind == "f":
            assert np.array_equal(x, y, equal_nan=True), k
        else:
            assert (x == y).all(), k
    assert len(a.groups) == 6 and list(a.groups["name"]) == list(frame.columns)


def test_ctrl_c_stops_a_long_call(tmp_path):
    # A long bootstrap in a fresh interpreter gets SIGINT after half a
    # second: KeyboardInterrupt from the engine's next unit boundary, and the
    # next call runs normally (the flag does not stick).
    script = tmp_path / "interrupt.py"
    script.write_text(
        "import os, signal, threading, time, numpy as np, chokepoint\n"
        "x = np.exp(np.linspace(0, 1, 2400)) * (1 + 0.1 * np.sin(np.arange(2400)))\n"
        # Warm up first (the module imports pandas lazily): under load the
        # import alone can outlast the timer, and the signal must reach the
        # engine, not the import.
        "import pandas\n"
        "chokepoint.bootstrap(x[:120], replicates=19)\n"
        "threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()\n"
        "t = time.time()\n"
        "try:\n"
        "    chokepoint.bootstrap(x, replicates=6_000_000, set={'bootstrap.keep_replicates': False,\n"
        "        'bootstrap.signal': False, 'bootstrap.base_sensitivity': False, 'bootstrap.scheme_diagnostics': False})\n"
        "    print('finished')\n"
        "except KeyboardInterrupt as e:\n"
        "    print('interrupted after %.1f s: %s' % (time.time() - t, e))\n"
        "print('next', chokepoint.bootstrap(x[:120], replicates=99).to_dict()['replicates'])\n")
    out = subprocess.run([os.environ.get("PYTHON", "/usr/bin/python3"), str(script)], capture_output=True, text=True,
                         timeout=120, env={**os.environ})
    assert "interrupted after" in out.stdout and "SIGINT" in out.stdout, out.stdout + out.stderr
    seconds = float(out.stdout.split("interrupted after ")[1].split(" s")[0])
    assert seconds < 3.0  # uninterrupted: about 11 s here
    assert "next 99" in out.stdout
