// Handlers that call and send to each other and wait for awakeables, for Ferry's tests, served by the real
// Restate TypeScript SDK.
//
//   node calls-saga.mjs <port> <h2c|http1>
//
// Trip (object) books through Payments (service), which charges in a ctx.run and sends the amount to the Ledger
// (object) with a delay; Trip waits for the charge's result. Listens on 127.0.0.1 only: <port> for the Restate
// endpoint, and a side endpoint on a free port that reports how often each effect really ran (GET /runs). Prints
// "listening <port> <sidePort>" once both accept connections.
import * as restate from "@restatedev/restate-sdk";
import { serve } from "./serve.mjs";

const [portArg, transport] = process.argv.slice(2);
const runs = {};
const count = (name) => (runs[name] = (runs[name] ?? 0) + 1);

const ledger = restate.object({
  name: "Ledger",
  handlers: {
    record: async (ctx, amount) => {
      const total = ((await ctx.get("total")) ?? 0) + amount;
      await ctx.run("record", () => count("record"));
      ctx.set("total", total);
      return total;
    },
    total: restate.handlers.object.shared(async (ctx) => (await ctx.get("total")) ?? 0),
  },
});

const payments = restate.service({
  name: "Payments",
  handlers: {
    charge: async (ctx, amount) => {
      if (amount < 0) {
        throw new restate.TerminalError(`cannot charge ${amount}`);
      }
      const receipt = await ctx.run("charge", () => `receipt-${count("charge")}`);
      ctx.objectSendClient(ledger, "main").record(amount, restate.rpc.sendOpts({ delay: 500 }));
      return receipt;
    },
  },
});

const trip = restate.object({
  name: "Trip",
  handlers: {
    book: async (ctx, amount) => {
      let receipt;
      try {
        receipt = await ctx.serviceClient(payments).charge(amount);
      } catch (e) {
        if (!(e instanceof restate.TerminalError)) {
          throw e;
        }
        await ctx.run("refund", () => count("refund"));
        return `refused: ${e.message}`;
      }
      ctx.set("receipt", receipt);
      await ctx.run("booked", () => count("booked"));
      return receipt;
    },
    // an exclusive handler calling an exclusive handler of its own object
    rebook: async (ctx) => {
      try {
        return await ctx.objectClient(trip, ctx.key).book(1);
      } catch (e) {
        return `failed: ${e.message}`;
      }
    },
    // sleeps for a minute; cancelled, it compensates and fails
    linger: async (ctx) => {
      try {
        await ctx.sleep(60_000);
        return "rested";
      } catch (e) {
        if (e instanceof restate.TerminalError) {
          await ctx.run("compensate", () => count("compensate"));
        }
        throw e;
      }
    },
    // waits for another trip's linger: a cancellation reaches the call it waits for
    follow: async (ctx) => ctx.objectClient(trip, `${ctx.key}-led`).linger(),
    // a call into a plain HTTP handler registered in Ferry
    askPlain: async (ctx, question) =>
      ctx.genericCall({
        service: "Plain",
        method: "answer",
        parameter: question,
        inputSerde: restate.serde.json,
        outputSerde: restate.serde.json,
      }),
  },
});

// waits for an awakeable, whose id it keeps in its state for the outside client that completes it
const waiter = restate.object({
  name: "Waiter",
  handlers: {
    wait: async (ctx) => {
      const { id, promise } = ctx.awakeable();
      ctx.set("awakeable", id);
      try {
        return await promise;
      } catch (e) {
        if (e instanceof restate.TerminalError) {
          return `rejected: ${e.message}`;
        }
        throw e;
      }
    },
    wake: async (ctx, id) => {
      ctx.resolveAwakeable(id, "from a handler");
      return "woken";
    },
  },
});

const handler = restate.createEndpointHandler({ services: [ledger, payments, trip, waiter] });
serve(handler, portArg, transport, () => runs);
