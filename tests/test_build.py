"""A real ``mkdocs build`` with the project's hooks: data errors fail it before anything is written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SOURCE_DATE_EPOCH, write_data

REPO = Path(__file__).resolve().parent.parent


def _project(tmp_path: Path) -> Path:
    """A copy of the project's MkDocs set-up around a data folder of the test's own."""
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("hooks/handbook_hooks.py", str(REPO / "hooks" / "handbook_hooks.py"))
    config = config.replace("docs_dir: docs", f"docs_dir: {REPO / 'docs'}")
    config = config.replace("custom_dir: overrides", f"custom_dir: {REPO / 'overrides'}")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    return tmp_path / "mkdocs.yml"


def _build(config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config)],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    write_data(tmp_path / "data")
    return _project(tmp_path)


def test_build_on_valid_data_writes_the_site(config: Path) -> None:
    done = _build(config)
    assert done.returncode == 0, done.stderr
    assert (config.parent / "site" / "index.html").is_file()
    assert "handbook: checked" in done.stderr and "plan-health" in done.stderr


def test_data_error_fails_the_build_and_keeps_the_last_site(config: Path) -> None:
    assert _build(config).returncode == 0
    index = config.parent / "site" / "index.html"
    before = index.read_bytes()
    stamp = index.stat().st_mtime_ns

    payroll = config.parent / "data" / "services" / "payroll.yaml"
    broken = payroll.read_text(encoding="utf-8").replace("rto: 1d", "rto: 4 hours")
    payroll.write_text(broken, encoding="utf-8")
    done = _build(config)

    assert done.returncode != 0
    assert "data/services/payroll.yaml:12:8: error: bia.rto: '4 hours' is not a duration" in done.stderr
    assert "Traceback" not in done.stderr
    assert index.read_bytes() == before and index.stat().st_mtime_ns == stamp


def _hooks_module():  # type: ignore[no-untyped-def]
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "handbook_hooks_under_test", REPO / "hooks" / "handbook_hooks.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("command", "env", "enabled"),
    [("serve", None, False), ("serve", "true", True), ("build", None, True)],
)
def test_serve_skips_the_search_index_unless_asked(
    config: Path, monkeypatch: pytest.MonkeyPatch, command: str, env: str | None, enabled: bool
) -> None:
    from mkdocs.config import load_config

    if env is None:
        monkeypatch.delenv("HANDBOOK_SERVE_SEARCH", raising=False)
    else:
        monkeypatch.setenv("HANDBOOK_SERVE_SEARCH", env)
    from handbook import serve

    hooks = _hooks_module()
    try:
        hooks.on_startup(command=command, dirty=False)
        mkdocs_config = load_config(config_file=str(config))
        hooks._skip_search_when_serving(mkdocs_config)
    finally:
        serve.start("build")  # leave no serving flag to later tests of this process
    search = mkdocs_config.plugins["material/search"]
    assert search.config.enabled is enabled


def _site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_a_serve_rebuild_reuses_unchanged_pages_and_equals_a_fresh_build(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from handbook import serve

    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.delenv("HANDBOOK_SERVE_SEARCH", raising=False)
    payroll = config.parent / "data" / "services" / "payroll.yaml"
    try:
        serve.start("serve")
        build(load_config(config_file=str(config), site_dir=str(tmp_path / "first")))
        kept = dict(serve.converted)
        assert "glossary.md" in kept and "services/payroll.md" in kept

        # An editor renames payroll and saves: `mkdocs serve` loads the configuration and builds again.
        payroll.write_text(
            payroll.read_text(encoding="utf-8").replace("name: Payroll", "name: Pay run"), "utf-8"
        )
        build(load_config(config_file=str(config), site_dir=str(tmp_path / "rebuilt")))
        assert serve.converted["glossary.md"] is kept["glossary.md"]  # reused: it names no service
        assert serve.converted["services/payroll.md"] is not kept["services/payroll.md"]  # converted anew

        serve.start("serve")  # a new `mkdocs serve`: nothing kept
        build(load_config(config_file=str(config), site_dir=str(tmp_path / "fresh")))
    finally:
        serve.start("build")

    rebuilt, fresh = _site_files(tmp_path / "rebuilt"), _site_files(tmp_path / "fresh")
    assert rebuilt.keys() == fresh.keys()
    assert [name for name in rebuilt if rebuilt[name] != fresh[name]] == []
    assert b"Pay run" in rebuilt["services/payroll.html"]
