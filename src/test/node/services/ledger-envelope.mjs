// A stateful plain HTTP handler with Ferry's state envelope: no SDK, no database of its own.
// Ferry sends {"key", "input", "state"}; the answer {"output", "state": {"set"}} is stored with the outcome.
// Run: node ledger-envelope.mjs PORT
import http from "node:http";

const port = Number(process.argv[2] ?? 9080);

http.createServer((request, response) => {
  let body = "";
  request.setEncoding("utf8");
  request.on("data", (chunk) => (body += chunk));
  request.on("end", () => {
    const { key, input, state } = JSON.parse(body);
    const balance = (state.balance ?? 0) + input.amount;
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({
      output: { account: key, seq: input.seq, balance },
      state: { set: { balance } },
    }));
  });
}).listen(port, "127.0.0.1");
