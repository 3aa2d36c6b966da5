"""The Makefile: `make run` does what the README says, and the Python it picks is 3.12 or newer.

Only dry runs (`make -n`) and the Python-finding logic; nothing is installed. The machine's own
Python 3.11 (via pyenv) plays the too-old interpreter; without one that part is skipped.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")
OLD_PYTHONS = [
    Path.home() / ".pyenv/versions/3.11.7/bin/python3",
    Path("/usr/bin/python3.11"),
    Path("/usr/bin/python3"),
]

pytestmark = pytest.mark.skipif(MAKE is None, reason="needs GNU make")


def make(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [MAKE, "--no-print-directory", "-C", str(ROOT), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def version_of(python: Path) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [str(python), "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except OSError:
        return None
    return tuple(int(part) for part in out.stdout.split()) if out.returncode == 0 else None


def isolated_env(tmp_path: Path, python: Path | None) -> dict:
    """A PATH holding only `python3` (or nothing) and a HOME without pyenv versions."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if python is not None:
        (bin_dir / "python3").symlink_to(python)
    home = tmp_path / "home"
    home.mkdir()
    return {"PATH": str(bin_dir), "HOME": str(home), "LANG": "C.UTF-8"}


def dry_run(target: str) -> subprocess.CompletedProcess:
    """`make -n target`, naming the Python so the (slow, pyenv-shimmed) search is skipped."""
    return make("-n", target, f"PYTHON={sys.executable}")


def print_python(env: dict) -> subprocess.CompletedProcess:
    return make("--eval=print-python: ; @echo '$(PYTHON)'", "print-python", env=env)


def test_make_run_migrates_seeds_and_serves_on_localhost():
    result = dry_run("run")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    migrate = next(i for i, line in enumerate(lines) if "manage.py migrate" in line)
    seed = next(i for i, line in enumerate(lines) if "manage.py seed_demo" in line)
    serve = next(i for i, line in enumerate(lines) if "manage.py runserver" in line)
    assert migrate < seed < serve
    assert "runserver 127.0.0.1:8000" in lines[serve]
    assert all("DEBUG=${DEBUG:-1}" in lines[i] for i in (migrate, seed, serve))


@pytest.mark.parametrize("target", ["test", "lint", "worker", "beat", "install"])
def test_make_target_exists(target):
    result = dry_run(target)
    assert result.returncode == 0, result.stderr


def test_make_worker_and_beat_use_the_project_celery_app():
    assert "celery -A huisvanhetkind worker" in dry_run("worker").stdout
    beat = dry_run("beat").stdout
    assert "celery -A huisvanhetkind beat" in beat
    assert "mkdir -p var" in beat


def test_python_check_stops_with_a_clear_message_without_python():
    result = make("python-check", "PYTHON=")
    assert result.returncode != 0
    assert "No Python 3.12 or newer found" in result.stdout
    assert "make PYTHON=/path/to/python3.12" in result.stdout


def test_makefile_rejects_a_python_older_than_3_12(tmp_path):
    old = next((p for p in OLD_PYTHONS if p.exists() and (version_of(p) or (9, 9)) < (3, 12)), None)
    if old is None:
        pytest.skip("no Python older than 3.12 on this machine to play the too-old interpreter")
    env = isolated_env(tmp_path, old)
    assert print_python(env).stdout.strip() == ""
    result = make("python-check", env=env)
    assert result.returncode != 0
    assert "No Python 3.12 or newer found" in result.stdout


def test_makefile_picks_a_python_of_3_12_or_newer(tmp_path):
    env = isolated_env(tmp_path, Path(sys.executable).resolve())
    picked = print_python(env).stdout.strip()
    assert picked == str(tmp_path / "bin" / "python3")
    assert version_of(Path(picked)) >= (3, 12)
    assert make("python-check", env=env).returncode == 0


def test_make_run_serves_on_another_port_when_asked():
    result = make("-n", "run", f"PYTHON={sys.executable}", "PORT=8108")
    assert result.returncode == 0, result.stderr
    assert "runserver 127.0.0.1:8108" in result.stdout


def fake_install_env(tmp_path: Path, *, uv_exit: int | None) -> tuple[dict, Path, Path]:
    """A virtualenv whose python and (optionally) a uv on PATH only log their arguments."""
    log = tmp_path / "calls.log"
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(f'#!/bin/sh\necho "python $*" >> {log}\n')
    python.chmod(0o755)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if uv_exit is not None:
        uv = bin_dir / "uv"
        uv.write_text(f'#!/bin/sh\necho "uv $*" >> {log}\nexit {uv_exit}\n')
        uv.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    return env, venv, log


def test_install_uses_uv_without_building_the_project(tmp_path):
    env, venv, log = fake_install_env(tmp_path, uv_exit=0)
    result = make(f"VENV={venv}", f"PYTHON={sys.executable}", "install-dev", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    calls = log.read_text().splitlines()
    assert len(calls) == 1
    assert calls[0].startswith("uv pip install --quiet --compile-bytecode --python ")
    assert calls[0].endswith("-r pyproject.toml --extra dev")
    assert (venv / ".installed").exists() and (venv / ".installed-dev").exists()


def test_install_falls_back_to_pip_when_uv_fails(tmp_path):
    env, venv, log = fake_install_env(tmp_path, uv_exit=1)
    result = make(f"VENV={venv}", f"PYTHON={sys.executable}", "install", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    calls = log.read_text().splitlines()
    assert calls[0].startswith("uv pip install")
    assert calls[-1] == "python -m pip install --quiet -e ."
    assert "Installing with pip." in result.stdout


def test_install_bootstraps_uv_with_pip_when_there_is_none(tmp_path):
    env, venv, log = fake_install_env(tmp_path, uv_exit=None)
    result = make(f"VENV={venv}", f"PYTHON={sys.executable}", "install", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    calls = log.read_text().splitlines()
    # The fake pip installs no uv, so the bootstrap is tried and pip installs the project.
    assert calls == [
        "python -m pip install --quiet --disable-pip-version-check uv",
        "python -m pip install --quiet -e .",
    ]
