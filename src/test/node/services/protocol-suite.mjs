// Test services for Ferry's service protocol tests, served by the real Restate TypeScript SDK.
//
//   node protocol-suite.mjs <port> <h2c|http1>
//
// Listens on 127.0.0.1 only: <port> for the Restate endpoint (HTTP/2 cleartext or HTTP/1.1), and
// a side endpoint on a free port that reports, outside the protocol, how often each ctx.run closure really ran
// (GET /runs). Prints "listening <port> <sidePort>" once both accept connections.
import * as restate from "@restatedev/restate-sdk";
import { serve } from "./serve.mjs";

const [portArg, transport] = process.argv.slice(2);
const runs = {};
const count = (name) => (runs[name] = (runs[name] ?? 0) + 1);
const calls = {};
const callNumber = (name) => (calls[name] = (calls[name] ?? 0) + 1);

const greeter = restate.service({
  name: "Greeter",
  handlers: {
    greet: async (ctx, name) => `Hello ${name} (${ctx.request().headers.get("kafka.topic") ?? "no topic"})`,
    failOnce: async (ctx, name) => {
      if (callNumber("failOnce") === 1) {
        throw new Error("the first call always fails");
      }
      return `recovered ${name}`;
    },
    // answers after 300 ms, so that attempts sent together are in flight together
    slowGreet: async (ctx, name) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return `Hello ${name}`;
    },
    refuse: async () => {
      throw new restate.TerminalError("no such order", { errorCode: 404 });
    },
    nap: async (ctx) => {
      await ctx.sleep(60_000);
      return "woke up";
    },
    // an attach to itself, which would wait forever
    attachSelf: async (ctx) => ctx.attach(ctx.request().id),
  },
});

const account = restate.object({
  name: "Account",
  handlers: {
    deposit: async (ctx, amount) => {
      const balance = (await ctx.get("balance")) ?? 0;
      const receipt = await ctx.run("receipt", () => `receipt-${count("receipt")}`);
      ctx.set("balance", balance + amount);
      return { balance: balance + amount, receipt };
    },
    balance: restate.handlers.object.shared(async (ctx) => (await ctx.get("balance")) ?? 0),
    drift: async (ctx) => {
      // Decides on a process-wide counter instead of the journal: the replay takes another path.
      if (callNumber("drift") === 1) {
        ctx.set("path", "first");
      } else {
        await ctx.get("path");
      }
      await ctx.run("tick", () => count("tick"));
      return "drifted";
    },
  },
});

const handler = restate.createEndpointHandler({ services: [greeter, account] });
serve(handler, portArg, transport, () => runs);
