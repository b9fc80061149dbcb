// Handlers that attach to other invocations, read their outputs and signal them by name, for Ferry's tests,
// served by the real Restate TypeScript SDK.
//
//   node attach-signals.mjs <port> <h2c|http1>
//
// Job/hold waits for the named signal "go" and ends with its value (or fails when the signal is rejected);
// Job/impatient gives up waiting for a signal after a timeout; Job/draw uses ctx.rand and ctx.date across a replay.
// Watcher attaches to a job (ctx.invocation(id).attach()), signals it, and reads its output without waiting.
// Listens on 127.0.0.1 only.
import http from "node:http";
import http2 from "node:http2";
import * as restate from "@restatedev/restate-sdk";

const [portArg, transport] = process.argv.slice(2);

// The GetInvocationOutput command's type in the SDK's core (WasmCommandType.GetInvocationOutput).
const GET_INVOCATION_OUTPUT = 16;
const text = (bytes) => new TextDecoder().decode(bytes);

const job = restate.service({
  name: "Job",
  handlers: {
    hold: async (ctx) => `done ${await ctx.signal("go")}`,
    // a signal that never comes, raced against a timer
    impatient: async (ctx) => {
      try {
        return await ctx.signal("never").orTimeout(200);
      } catch (e) {
        return `gave up: ${e.message}`;
      }
    },
    // the seeded random values are the same after a suspension and replay; the first draw is journalled by a run
    draw: async (ctx) => {
      const first = ctx.rand.uuidv4();
      const journalled = await ctx.run("first", () => first);
      await ctx.sleep(50);
      return { same: first === journalled, first, second: ctx.rand.uuidv4(), now: await ctx.date.now() };
    },
  },
});

const watcher = restate.service({
  name: "Watcher",
  handlers: {
    attach: async (ctx, id) => {
      try {
        return `watched ${await ctx.invocation(id).attach()}`;
      } catch (e) {
        if (e instanceof restate.TerminalError) {
          return `attach failed: ${e.message}`;
        }
        throw e;
      }
    },
    // the deprecated form
    attachOld: async (ctx, id) => `watched ${await ctx.attach(id)}`,
    release: async (ctx, { id, value }) => {
      ctx.invocation(id).signal("go").resolve(value);
      return "released";
    },
    stop: async (ctx, id) => {
      ctx.invocation(id).signal("go").reject("stopped by the watcher");
      return "stopped";
    },
    // SDK 1.17.2 has no public API for GetInvocationOutputCommand: this goes through the context's own entry
    // point for completable commands, so the SDK's core writes the command and reads its completion
    peek: async (ctx, id) =>
      ctx.processCompletableEntry(
        GET_INVOCATION_OUTPUT,
        () => {},
        (vm) => vm.sys_get_invocation_output(id),
        async (value, promise) => {
          if (value === "Empty") {
            promise.resolve("not ready");
            return true;
          }
          if (typeof value === "object" && "Success" in value) {
            promise.resolve(`output ${text(value.Success)}`);
            return true;
          }
          if (typeof value === "object" && "Failure" in value) {
            promise.resolve(`failure ${value.Failure.message}`);
            return true;
          }
          return false;
        },
      ),
  },
});

const handler = restate.createEndpointHandler({ services: [job, watcher] });
const server = transport === "http1" ? http.createServer(handler) : http2.createServer(handler);
server.listen(Number(portArg), "127.0.0.1", () => console.log(`listening ${server.address().port}`));
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => process.exit(0));
}
