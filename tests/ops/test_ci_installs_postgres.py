"""`.ci/run` gives the tests a PostgreSQL server on a fresh machine and stays offline when
the binaries are there (issue 14). Run as a dry run: it prints the commands it would run."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from tests.paths import ROOT

CI_RUN = ROOT / ".ci" / "run"
MAKEFILE_TEST = "make test"


def dry_run(pg_root: Path, uid: int, **more: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "MUJAZ_CI_DRY_RUN": "1",
        "MUJAZ_CI_PG_ROOT": str(pg_root),
        "MUJAZ_CI_UID": str(uid),
        **more,
    }
    return subprocess.run(
        ["bash", str(CI_RUN)], env=env, capture_output=True, text=True, timeout=30, check=True
    )


def planned(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The commands, each as the words the shell would pass."""
    lines = done.stdout.splitlines()
    return [" ".join(shlex.split(line[10:])) for line in lines if line.startswith("would run:")]


def with_binaries(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "postgresql" / "15" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "initdb").write_text("#!/bin/sh\n")
    (bin_dir / "initdb").chmod(0o755)
    return tmp_path / "postgresql"


def test_with_the_binaries_present_it_installs_nothing_and_requires_postgres(
    tmp_path: Path,
) -> None:
    steps = planned(dry_run(with_binaries(tmp_path), uid=0))
    assert steps == [f"env MUJAZ_REQUIRE_POSTGRES=1 {MAKEFILE_TEST}"]


def test_as_root_without_binaries_it_installs_debians_package_without_a_main_cluster(
    tmp_path: Path,
) -> None:
    steps = planned(dry_run(tmp_path / "none", uid=0))
    installs = [s for s in steps if " install " in s]
    assert [s.split()[-1] for s in installs] == ["postgresql-common", "postgresql"]
    assert all("-y" in s.split() for s in installs)
    # the cluster switch is set after postgresql-common brings its file, before the server
    sed = next(i for i, s in enumerate(steps) if s.startswith("sed "))
    assert steps.index(installs[0]) < sed < steps.index(installs[1])
    assert steps[-1] == f"env MUJAZ_REQUIRE_POSTGRES=1 {MAKEFILE_TEST}"


def test_the_cluster_switch_turns_debians_default_off(tmp_path: Path) -> None:
    done = dry_run(tmp_path / "none", uid=0)
    line = next(x for x in done.stdout.splitlines() if x.startswith("would run: sed"))
    expression = shlex.split(line[10:])[2]  # sed -ri EXPR FILE
    conf = tmp_path / "createcluster.conf"
    conf.write_text("# Create a main cluster\n#create_main_cluster = true\nstart_conf = 'auto'\n")
    subprocess.run(["sed", "-ri", expression, str(conf)], check=True, timeout=10)
    assert "create_main_cluster = false\n" in conf.read_text()
    assert "start_conf = 'auto'" in conf.read_text()


def test_not_root_without_binaries_it_says_why_and_still_requires_postgres(
    tmp_path: Path,
) -> None:
    done = dry_run(tmp_path / "none", uid=1000)
    assert not any("apt-get" in s for s in planned(done))
    assert "not root" in done.stderr
    assert planned(done) == [f"env MUJAZ_REQUIRE_POSTGRES=1 {MAKEFILE_TEST}"]


def test_it_runs_the_readmes_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{MAKEFILE_TEST}   #" in readme
    assert f"{MAKEFILE_TEST}\n" in CI_RUN.read_text(encoding="utf-8")
