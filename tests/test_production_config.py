"""The production server configuration (.streamlit/config.toml, scripts/serve.py): no development conveniences
by default, and ``serve.py --dev`` to get them back."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SERVE = REPO / "scripts" / "serve.py"


@pytest.fixture(scope="module")
def serve():
    spec = importlib.util.spec_from_file_location("serve_config_under_test", SERVE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_config_file_turns_the_development_conveniences_off():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server = config["server"]
    assert server["fileWatcherType"] == "none"   # no module re-scan / re-watch of the checkout per session
    assert server["runOnSave"] is False
    assert server["headless"] is True
    assert config["runner"]["postScriptGC"] is False  # a full gc.collect per page view: most of a visit's CPU
    assert server["address"] == "127.0.0.1"
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "minimal"
    assert config["browser"]["gatherUsageStats"] is False


def test_streamlit_reads_those_values_from_the_repository():
    code = ("import json; from streamlit import config as c; c.get_config_options(force_reparse=True); "
            "print(json.dumps({k: c.get_option(k) for k in ('server.fileWatcherType', 'server.runOnSave', "
            "'global.developmentMode', 'client.showErrorDetails', 'runner.postScriptGC')}))")
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.strip().splitlines()[-1]) == {
        "server.fileWatcherType": "none", "server.runOnSave": False, "global.developmentMode": False,
        "client.showErrorDetails": "none", "runner.postScriptGC": False}


def test_dev_flag_brings_the_watcher_back_and_explicit_options_win(serve):
    assert serve.server_options({"server_port": 8502}) == {"server.port": 8502}
    assert serve.server_options({"server_port": None}, dev=True) == {
        "server.fileWatcherType": "auto", "server.runOnSave": True, "runner.postScriptGC": True}
    assert serve.server_options({"server_fileWatcherType": "poll"}, dev=True)["server.fileWatcherType"] == "poll"
