"""The command line: batch runs keep going, never touch inputs, write atomically."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cleanse
from cleanse.running.cli import main
from cleanse.running.outputs import output_path

from helpers import EN, ZH_HANS, labelled, lines_with, page

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"


@pytest.fixture()
def corpus(tmp_path):
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(page(*EN), "utf-8")
    (root / "sub" / "b.md").write_text(page(*ZH_HANS), "utf-8")
    (root / "sub" / "gbk.txt").write_bytes(page(*ZH_HANS).encode("gbk"))
    (root / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (root / "empty.txt").write_text("", "utf-8")
    (root / "notes.tsv").write_text("not a capture", "utf-8")
    return root


def digests(root: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_folder_to_jsonl_keeps_going_and_reports_failures(corpus, tmp_path, capsys):
    before = digests(corpus)
    out = tmp_path / "out.jsonl"
    code = main(["clean", str(corpus), "-o", str(out), "-j", "1", "--stats",
                 str(tmp_path / "stats.json")])
    records = {r["source"]: r for r in map(json.loads, out.read_text("utf-8").splitlines())}
    assert code == 1  # one capture failed
    assert set(records) == {"a.txt", "broken.txt", "empty.txt", "sub/b.md", "sub/gbk.txt"}
    assert records["broken.txt"]["status"] == "error"
    assert "PNG image" in records["broken.txt"]["error"]
    assert records["empty.txt"]["status"] == "empty"
    assert records["sub/gbk.txt"]["encoding"] == "gb18030"
    assert records["sub/gbk.txt"]["text"] == records["sub/b.md"]["text"]
    assert records["a.txt"]["language"] == "en"
    stats = json.loads((tmp_path / "stats.json").read_text("utf-8"))
    assert stats["status"] == {"ok": 3, "error": 1, "empty": 1}
    assert "broken.txt" in capsys.readouterr().err
    assert digests(corpus) == before
    assert not list(tmp_path.glob(".out.jsonl.*"))  # no temporary file left behind


def test_folder_to_folder_mirrors_the_tree(corpus, tmp_path):
    out = tmp_path / "out"
    main(["clean", str(corpus), "-o", str(out), "-j", "2", "-q"])
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert written == ["a.txt.json", "broken.txt.json", "empty.txt.json", "sub/b.md.json",
                       "sub/gbk.txt.json"]
    assert json.loads((out / "a.txt.json").read_text("utf-8"))["status"] == "ok"


def test_parallel_and_serial_runs_are_identical(tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    main(["clean", str(SEEDS), "-o", str(one), "-j", "1", "-q"])
    main(["clean", str(SEEDS), "-o", str(two), "-j", "2", "-q"])
    assert one.read_bytes() == two.read_bytes()
    assert len(one.read_text("utf-8").splitlines()) == 5


def test_refuses_to_overwrite_an_input(corpus):
    target = corpus / "a.txt"
    before = target.read_bytes()
    assert main(["clean", str(target), "-o", str(target), "-q"]) == 2
    assert target.read_bytes() == before


def test_stdin_to_stdout():
    result = subprocess.run([sys.executable, "-m", "cleanse", "clean", "-", "-o", "-", "-q"],
                            input=page(*EN).encode(), capture_output=True, check=True)
    record = json.loads(result.stdout)
    assert record["source"] == "<stdin>" and EN[0] in record["text"]


def test_explain_command(capsys):
    seed = next(SEEDS.glob("004_*.txt"))
    assert main(["explain", str(seed)]) == 0
    out = capsys.readouterr().out
    assert "language: zh-Hans" in out and "related_lists/list_heading" in out


NAV_PAGE = ("<html><body><nav><a href='/'>Home</a> <a href='/n'>News</a> <a href='/s'>Sport</a> "
            "<a href='/w'>Weather</a></nav><div>" + "".join(f"<p>{p}</p>" for p in EN)
            + "</div></body></html>")
SHIPPED_MODEL = Path(cleanse.__file__).resolve().parent / "data" / "arbiter"


def test_explain_shows_why_the_navigation_of_an_html_page_went(tmp_path, capsys):
    capture = tmp_path / "page.html"
    capture.write_text(NAV_PAGE, "utf-8")
    assert main(["explain", str(capture)]) == 0
    out = capsys.readouterr().out
    # The whole page is rendered; the DOM scorer's pick is named as evidence, not a cut.
    (pick,) = [line for line in out.splitlines() if line.startswith("html main content")]
    assert pick.endswith(": div")
    removed = out.split("\nremoved:\n", 1)[1]
    (nav,) = [line for line in removed.splitlines() if "Home News Sport Weather" in line]
    labels = labelled(NAV_PAGE)
    strongest = lines_with(labels, "Home News Sport Weather")[0].strongest(junk=True)
    assert strongest is not None and strongest.score >= 0.5
    assert f"{strongest.detector}/{strongest.rule}" in nav and "p(junk)" in nav
    assert not any(p in removed for p in EN)


def test_the_removed_html_options_are_usage_errors(tmp_path, capsys):
    capture = tmp_path / "page.html"
    capture.write_text(NAV_PAGE, "utf-8")
    toml = tmp_path / "full.toml"
    toml.write_text("[html]\nmain_content = false\n", "utf-8")
    assert main(["explain", str(capture), "--config", str(toml)]) == 2
    assert "unknown config section" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["explain", str(capture), "--full-page"])
    assert exc.value.code == 2


@pytest.mark.parametrize("how", ["--model", "--config"])
def test_another_model_directory(tmp_path, capsys, how):
    capture = tmp_path / "page.html"
    capture.write_text(NAV_PAGE, "utf-8")
    model = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL, model)
    toml = tmp_path / "model.toml"
    toml.write_text(f'[arbiter]\nmodel = "{model}"\n', "utf-8")
    assert main(["explain", str(capture)]) == 0
    shipped = capsys.readouterr().out
    assert main(["explain", str(capture), how, str(model if how == "--model" else toml)]) == 0
    assert capsys.readouterr().out == shipped  # the same model, read from elsewhere


@pytest.mark.parametrize("command", ["explain", "clean"])
def test_a_missing_model_directory_is_a_usage_error(tmp_path, capsys, command):
    capture = tmp_path / "page.html"
    capture.write_text(NAV_PAGE, "utf-8")
    output = ["-o", str(tmp_path / "out.jsonl")] if command == "clean" else []
    assert main([command, str(capture), *output, "--model", str(tmp_path / "nowhere")]) == 2
    assert "model" in capsys.readouterr().err


def test_bad_config_is_a_usage_error(tmp_path, capsys):
    config = tmp_path / "bad.toml"
    config.write_text('[pipeline]\ndetectors = ["nope"]\n', "utf-8")
    assert main(["clean", str(SEEDS), "-o", str(tmp_path / "o.jsonl"), "--config",
                 str(config)]) == 2
    assert "unknown detector" in capsys.readouterr().err


@pytest.mark.parametrize("source", ["../../etc/passwd", "/abs/path.txt", "a/../../b.txt"])
def test_output_paths_never_escape_the_output_folder(tmp_path, source):
    target = output_path(tmp_path, source)
    assert tmp_path.resolve() in target.resolve().parents


def test_symlinks_are_skipped_by_default(corpus, tmp_path):
    link = corpus / "link.txt"
    link.symlink_to(corpus / "a.txt")
    out = tmp_path / "o.jsonl"
    main(["clean", str(corpus), "-o", str(out), "-q"])
    sources = [json.loads(r)["source"] for r in out.read_text("utf-8").splitlines()]
    assert "link.txt" not in sources
    shutil.rmtree(corpus)


def test_no_command_modifies_any_input(corpus, tmp_path, capsys):
    """Every command and mode, one after the other, over the same inputs."""
    seed = next(SEEDS.glob("000_*.txt"))
    seed_before = hashlib.sha256(seed.read_bytes()).hexdigest()
    before = digests(corpus)
    out = tmp_path / "out"
    runs = [
        ["clean", str(corpus), "-o", str(out / "a.jsonl"), "-q"],
        ["clean", str(corpus), "-o", str(out / "a.jsonl"), "-q"],  # resume
        ["clean", str(corpus), "-o", str(out / "a.jsonl"), "-q", "--force", "-j", "2"],
        ["clean", str(corpus), "-o", str(out / "tree"), "-q", "--format", "markdown"],
        ["clean", str(corpus / "a.txt"), str(seed), "-o", "-", "-q", "--mode", "recall"],
        ["explain", str(corpus / "sub" / "b.md")],
        ["explain", str(seed)],
        ["detectors"],
    ]
    for args in runs:
        assert main(args) in (0, 1), args
    capsys.readouterr()
    assert digests(corpus) == before
    assert hashlib.sha256(seed.read_bytes()).hexdigest() == seed_before
