import os


def main_handler(event, context):
    print("handling", context["request_id"])
    if isinstance(event, dict) and "fail" in event:
        raise ValueError(event["fail"])
    return {"requestId": context["request_id"], "event": event, "tmp": os.path.isdir("/tmp")}
