// A Restate workflow for Ferry's tests, served by the real Restate TypeScript SDK.
//
//   node signup-workflow.mjs <port> <h2c|http1>
//
// Signup's run handler keeps the email in its state, counts its real executions per key in a ctx.run, waits for the
// durable promise "approval", which its shared handlers resolve or reject; it then peeks at the promise. Listens on
// 127.0.0.1 only: <port> for the Restate endpoint, and a side endpoint on a free port that reports how often each
// effect really ran (GET /runs). Prints "listening <port> <sidePort>" once both accept connections.
import * as restate from "@restatedev/restate-sdk";
import { serve } from "./serve.mjs";

const [portArg, transport] = process.argv.slice(2);
const runs = {};
const count = (name) => (runs[name] = (runs[name] ?? 0) + 1);

const peeked = (value) => (value === undefined ? "pending" : value);

const signup = restate.workflow({
  name: "Signup",
  handlers: {
    run: async (ctx, email) => {
      ctx.set("email", email);
      await ctx.run("started", () => count(`run-${ctx.key}`));
      let verdict;
      try {
        verdict = await ctx.promise("approval").get();
      } catch (e) {
        if (!(e instanceof restate.TerminalError)) {
          throw e;
        }
        ctx.set("stage", "rejected");
        return `rejected: ${e.message}`;
      }
      const again = await ctx.promise("approval").peek();
      ctx.set("stage", "approved");
      return `${email} ${verdict}, peeked ${again}`;
    },
    approve: async (ctx, verdict) => {
      try {
        await ctx.promise("approval").resolve(verdict);
        return "approved";
      } catch (e) {
        if (e instanceof restate.TerminalError) {
          return `refused (${e.code}): ${e.message}`;
        }
        throw e;
      }
    },
    reject: async (ctx, reason) => {
      await ctx.promise("approval").reject(reason);
      return "rejected";
    },
    peek: async (ctx) => {
      try {
        return peeked(await ctx.promise("approval").peek());
      } catch (e) {
        if (e instanceof restate.TerminalError) {
          return `failed: ${e.message}`;
        }
        throw e;
      }
    },
    email: async (ctx) => (await ctx.get("email")) ?? "none",
    // starts the run of its own key again, which has run already
    rerun: async (ctx) => {
      try {
        return await ctx.workflowClient(signup, ctx.key).run("again@example.com");
      } catch (e) {
        if (e instanceof restate.TerminalError) {
          return `refused: ${e.message}`;
        }
        throw e;
      }
    },
  },
});

const handler = restate.createEndpointHandler({ services: [signup] });
serve(handler, portArg, transport, () => runs);
