# A Python event function: `isola deploy samples/python-hello --name py-hello --runtime Python3.9`
import logging
import os

logger = logging.getLogger()
invocations = 0  # module state survives between calls on a warm instance


def main_handler(event, context):
    global invocations
    invocations += 1
    logger.info("hello from %s", context["function_name"])
    return {
        "greeting": "hello " + str(event.get("name", "world")),
        "invocations": invocations,
        "request_id": context["request_id"],
        "remaining_ms": context.get_remaining_time_in_millis(),
        "tmp": os.environ["TMPDIR"],
    }
