"""The Ray engine, on a local Ray runtime with 2 CPUs (skipped without ``cleanse[ray]``)."""

from __future__ import annotations

import json

import pytest

from cleanse.running.cli import main

from helpers import EN, ZH_HANS, page

ray = pytest.importorskip("ray", reason="the Ray extra is not installed: "
                                        "pip install 'cleanse[ray]' to run the Ray tests")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield
    ray.shutdown()


def test_ray_engine_gives_the_same_records_as_local_workers(local_ray, folder, tmp_path):
    local, on_ray = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    assert main(["clean", str(folder), "-o", str(local), "-q", "-j", "2"]) == 0
    assert main(["clean", str(folder), "-o", str(on_ray), "-q", "-j", "2",
                 "--engine", "ray"]) == 0
    assert local.read_bytes() == on_ray.read_bytes()


def test_clean_dataset_maps_a_ray_dataset(local_ray):
    from cleanse.running.ray_engine import clean_dataset

    dataset = ray.data.from_items([
        {"source": "zh.txt", "text": page("新闻", *ZH_HANS)},
        {"source": "en.html", "text": "<html><body><article>" + "".join(
            f"<p>{p}</p>" for p in EN) + "</article></body></html>"},
        {"source": "png", "text": b"\x89PNG\r\n\x1a\n" + bytes(32)},
    ])
    rows = {r["source"]: r for r in clean_dataset(dataset, workers=2).take_all()}
    assert rows["zh.txt"]["language"] == "zh-Hans" and ZH_HANS[0] in rows["zh.txt"]["text"]
    assert rows["en.html"]["language"] == "en" and EN[2] in rows["en.html"]["text"]
    assert rows["png"]["status"] == "error"
    assert json.loads(rows["zh.txt"]["record"])["segments"][0]["language"] == "zh-Hans"


def test_ray_engine_refuses_stdin_before_touching_the_output(local_ray, tmp_path, capsys,
                                                             monkeypatch):
    import io
    import sys

    out = tmp_path / "out.jsonl"
    out.write_text('{"source": "kept"}\n', "utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(page(*EN).encode())))
    assert main(["clean", "-", "-o", str(out), "--engine", "ray", "--force", "-q"]) == 2
    assert "need the local engine" in capsys.readouterr().err
    assert out.read_text("utf-8") == '{"source": "kept"}\n'


def test_ray_keeps_its_own_warnings_quiet_unless_verbose(folder, tmp_path):
    """Run as a user would (a fresh process that starts Ray itself): stderr holds cleanse's
    own lines, not Ray's log lines and warnings."""
    import subprocess
    import sys

    out = tmp_path / "out.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "cleanse", "clean", str(folder), "-o", str(out), "-j", "1",
         "--engine", "ray"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert len(out.read_text("utf-8").splitlines()) == 6
    foreign = [line for line in result.stderr.splitlines()
               if line.strip() and not line.startswith(("cleanse:", "  "))
               and "RAY_BACKEND_LOG_LEVEL" not in line]  # Ray's note that it obeys the quiet
    assert not foreign, foreign
