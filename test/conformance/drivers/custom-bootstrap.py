#!/usr/bin/python3
"""The conformance driver's custom runtime (test/conformance/drivers/process.js, 'custom'): a
scf_bootstrap in Python, standard library only, that runs the Python fixtures over the HTTP
runtime API (spec: runtime-api.md, "Custom runtime"). It imports the module named by _HANDLER
("module.function"), says ready, then per event calls the function with the decoded event and a
context made of the event's headers, and posts its JSON result, or "Type: message" of an
exception to the error endpoint. A MemoryError ends the process (its last words say why)."""
import importlib
import json
import os
import sys
import time
import urllib.request

API = "http://%s:%s/runtime" % (os.environ["SCF_RUNTIME_API"], os.environ["SCF_RUNTIME_API_PORT"])


def post(path, body):
    urllib.request.urlopen(urllib.request.Request(API + path, data=body, method="POST")).read()


class Context(dict):
    def __init__(self, headers, deadline):
        super().__init__(request_id=headers["request_id"], memory_limit_in_mb=int(headers["memory_limit_in_mb"]),
                         time_limit_in_ms=int(headers["time_limit_in_ms"]))
        self.deadline = deadline

    def get_remaining_time_in_millis(self):
        return max(0, int((self.deadline - time.time()) * 1000))


def main():
    sys.stdout.reconfigure(line_buffering=True)
    sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)), "/opt"]
    module_name, _, function_name = os.environ["_HANDLER"].rpartition(".")
    handler = getattr(importlib.import_module(module_name), function_name)
    post("/init/ready", b"")
    while True:
        with urllib.request.urlopen(API + "/invocation/next") as res:
            event = json.loads(res.read())
            context = Context(res.headers, time.time() + int(res.headers["time_limit_in_ms"]) / 1000)
        try:
            result = json.dumps(handler(event, context)).encode()
        except MemoryError:
            raise
        except Exception as err:
            post("/invocation/error", ("%s: %s" % (type(err).__name__, err)).encode())
            continue
        post("/invocation/response", result)


if __name__ == "__main__":
    main()
