"""A server process's garbage collector is settled once its code is loaded (cad.heap): what is
loaded is set aside, and full collections (which stopped a thousand consoles' fan-out for 50 to
250 ms each) are rare."""

import json
import os
import subprocess
import sys

from cad.heap import FULL_COLLECTION_AFTER

PROBE = """
import gc, json
import cad.asgi
print(json.dumps({"frozen": gc.get_freeze_count(), "threshold": gc.get_threshold(),
                  "views": "calls.api.views.calls" in __import__("sys").modules}))
"""


def test_a_server_process_sets_its_loaded_code_aside_and_collects_fully_only_now_and_then():
    env = {**os.environ, "CAD_INPROCESS_SCHEDULER": "False"}
    probe = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True,
                           timeout=120, check=True)
    settled = json.loads(probe.stdout.strip().splitlines()[-1])
    assert settled["views"], "every view is imported before the heap is settled, not at its first request"
    assert settled["frozen"] > 100_000  # Django, the apps and their libraries
    assert settled["threshold"][2] == FULL_COLLECTION_AFTER
