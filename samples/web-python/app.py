"""A Python web function written for the cloud, on the standard library only
(http.server): it listens on port 9000 on all addresses. Routes: GET / (JSON),
POST /echo (the JSON body back), GET /stream (a chunked response in pieces)."""
import json
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1: keep-alive connections (the platform pools them) and chunked responses.
    protocol_version = "HTTP/1.1"
    # Buffered writes: head and body leave in one segment (flushed after each request), not two —
    # a small second segment waits for the client's delayed ACK (~40 ms) under Nagle's algorithm.
    wbufsize = 64 * 1024

    def send_json(self, status, value):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/":
            self.send_json(200, {"hello": "python", "requestId": self.headers.get("X-Scf-Request-Id")})
        elif self.path.startswith("/stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(5):
                piece = f"chunk {i}\n".encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
                time.sleep(0.05)
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_json(404, {"error": "no route", "path": self.path})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length)
        if self.path == "/echo":
            self.send_json(201, {"received": json.loads(data or b"null")})
        else:
            self.send_json(404, {"error": "no route", "path": self.path})

    def log_message(self, fmt, *args):
        print("%s %s" % (self.command, self.path), flush=True)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "9000"))
    print(f"python listening on {port}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
