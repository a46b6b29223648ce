"""`crm_tools.bench --quick` runs end to end and writes complete results.

Only the shape of the results is checked: whether a speed or memory target is met is the
benchmark's own report (`make bench`), never a test assertion. Tiny sizes and the Python load
generator keep this fast; `make bench` itself exercises wrk.
"""

import json
import math
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDORS = ("clevertim", "zendesk-sell", "relenta", "bantam-live")
CLIENT_PACKAGES = (
    "clevertim_client",
    "zendesk_sell_client",
    "relenta_client",
    "bantam_live_client",
)


def test_quick_bench_writes_every_metric(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "crm_tools.bench",
            "--quick",
            "--sizes",
            "0,20,60",
            "--loadgen",
            "python",
            "--duration",
            "0.3",
            "--requests",
            "3",
            "--calls",
            "10",
            "--output",
            str(output),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(output.read_text())

    assert results["quick"] is True
    assert results["errors"] == []
    assert set(results["unavailable"]) <= {"prism"}  # Prism needs `npm ci`; nothing else may be
    metrics = results["metrics"]
    for name, value in metrics.items():
        assert isinstance(value, int | float) and not isinstance(value, bool), (name, value)
        assert math.isfinite(value) and value > 0, (name, value)
    assert set(results["units"]) == set(metrics)

    for vendor in VENDORS:  # every vendor's writes at all three sizes, through the seeding path
        for size in ("empty", "mid", "large"):
            assert f"writes.{vendor}.{size}.create_rps" in metrics
            assert f"writes.{vendor}.{size}.create_p50_ms" in metrics
            assert f"writes.{vendor}.{size}.update_p50_ms" in metrics
            assert f"writes.{vendor}.{size}.list_p50_ms" in metrics
        assert f"writes.{vendor}.create_rps_ratio" in metrics
        assert "contacts" in results["details"][f"writes.{vendor}"]["seeding"]["large"]["what"]
        assert f"clients.{vendor}.overhead_ratio" in metrics
    for vendor in ("clevertim", "zendesk-sell"):
        assert f"stack.{vendor}.fast.vs_bare" in metrics
        assert f"stack.{vendor}.computed.vs_bare" in metrics  # the read memo off
        assert f"stack.{vendor}.speedup" in metrics

    targets = {t["metric"]: t for t in results["targets"]}
    for target in targets.values():
        assert target["status"] in ("PASS", "MISS")  # reported either way; not asserted met
        assert target["value"] == metrics[target["metric"]]
        assert target["description"] in done.stdout  # the table names every target
    for package in CLIENT_PACKAGES:
        assert any(t["description"].startswith(package) for t in results["targets"])
    assert {f"writes.{v}.create_rps_ratio" for v in VENDORS} <= set(targets)
