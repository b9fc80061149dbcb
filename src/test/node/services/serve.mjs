// How the test services listen: the Restate endpoint on <port> (HTTP/2 cleartext, or HTTP/1.1 when the
// transport is "http1"), and a side endpoint on a free port that answers GET with what report() returns, outside
// the protocol. Both bind 127.0.0.1 only; "listening <port> <sidePort>" is printed once both accept connections,
// and SIGTERM or SIGINT ends the process.
import http from "node:http";
import http2 from "node:http2";

export function serve(handler, port, transport, report) {
  const server = transport === "http1" ? http.createServer(handler) : http2.createServer(handler);
  const side = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(report()));
  });
  server.listen(Number(port), "127.0.0.1", () => {
    side.listen(0, "127.0.0.1", () => {
      console.log(`listening ${server.address().port} ${side.address().port}`);
    });
  });
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.on(signal, () => process.exit(0));
  }
}
