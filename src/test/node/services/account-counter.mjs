// The services of Ferry's end-to-end tests of Restate SDK handlers, served by the real Restate TypeScript SDK.
//
//   node account-counter.mjs <port> <h2c|http1> [publickeyv1_...]
//
// With a public key, the endpoint accepts only requests signed with its private key (identityKeys).
//
// Listens on 127.0.0.1 only: <port> for the Restate endpoint (HTTP/2 cleartext or HTTP/1.1), and a side
// endpoint on a free port that reports, outside the protocol, how often each ctx.run closure really ran
// (GET /runs). Prints "listening <port> <sidePort>" once both accept connections.
import * as restate from "@restatedev/restate-sdk";
import { serve } from "./serve.mjs";

const [portArg, transport, identityKey] = process.argv.slice(2);
const runs = {};
const count = (name) => (runs[name] = (runs[name] ?? 0) + 1);
const seen = new Set();

const counter = restate.service({
  name: "Counter",
  handlers: {
    // what a handler sees of the record it was called for
    echo: async (ctx, value) => {
      const headers = ctx.request().headers;
      return {
        value,
        topic: headers.get("kafka.topic") ?? null,
        key: headers.get("kafka.key") ?? null,
        subscription: headers.get("restate.subscription.id") ?? null,
        trace: headers.get("kafka.header.trace-id") ?? null,
      };
    },
    // the first attempt of every invocation fails with a retryable error
    failOnce: async (ctx, value) => {
      const id = ctx.request().id;
      if (!seen.has(id)) {
        seen.add(id);
        throw new Error(`the first attempt of ${id} fails`);
      }
      return `recovered ${value}`;
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
      const receipt = await ctx.run("receipt", () => count("deposit"));
      ctx.set("balance", balance + (amount ?? 1));
      return { balance: balance + (amount ?? 1), receipt };
    },
    balance: restate.handlers.object.shared(async (ctx) => (await ctx.get("balance")) ?? 0),
    // a step, a sleep of `millis`, a step after it, then a deposit of 1
    snooze: async (ctx, millis) => {
      await ctx.run("before", () => count("before"));
      await ctx.sleep(millis ?? 2000);
      await ctx.run("after", () => count("after"));
      const balance = ((await ctx.get("balance")) ?? 0) + 1;
      ctx.set("balance", balance);
      return balance;
    },
  },
});

const handler = restate.createEndpointHandler({
  services: [counter, account],
  ...(identityKey ? { identityKeys: [identityKey] } : {}),
});
serve(handler, portArg, transport, () => runs);
