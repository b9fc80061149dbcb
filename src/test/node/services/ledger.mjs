// An Account virtual object for crash tests, served by the real Restate TypeScript SDK.
//
//   node ledger.mjs <port> <h2c|http1> <run-log> [hold-at]
//
// Every real execution of the deposit's ctx.run closure appends "<invocation id> <token>" to <run-log> before
// it returns, outside the protocol, so the record survives a SIGKILL of this process; the token (this process's
// id and a counter) is the run's result, so a test can tell which execution's result the runtime stored. With
// <hold-at> N, the Nth execution logs its line and then never returns: its attempt stays in flight until the
// process is killed. Listens on 127.0.0.1 only.
import { appendFileSync } from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import * as restate from "@restatedev/restate-sdk";

const [portArg, transport, runLog, holdAtArg] = process.argv.slice(2);
const holdAt = holdAtArg ? Number(holdAtArg) : 0;
let executions = 0;

const account = restate.object({
  name: "Account",
  handlers: {
    deposit: async (ctx, amount) => {
      const balance = (await ctx.get("balance")) ?? 0;
      const id = ctx.request().id;
      const receipt = await ctx.run("receipt", async () => {
        executions += 1;
        const token = `${process.pid}-${executions}`;
        appendFileSync(runLog, `${id} ${token}\n`);
        if (executions === holdAt) {
          await new Promise(() => {});
        }
        return token;
      });
      ctx.set("balance", balance + (amount ?? 1));
      return { balance: balance + (amount ?? 1), receipt };
    },
    balance: restate.handlers.object.shared(async (ctx) => (await ctx.get("balance")) ?? 0),
  },
});

const handler = restate.createEndpointHandler({ services: [account] });
const server = transport === "http1" ? http.createServer(handler) : http2.createServer(handler);
server.listen(Number(portArg), "127.0.0.1", () => console.log(`listening ${server.address().port}`));
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => process.exit(0));
}
