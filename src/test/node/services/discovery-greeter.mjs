// A small Restate SDK deployment for the discovery tests: a service, a virtual object (one handler with lazy
// state) and a workflow. Usage: node discovery-greeter.mjs PORT h2c|http1 [VARIANT]
// VARIANT "v2" adds a handler to Greeter, to test re-registration.
import http from "node:http";
import http2 from "node:http2";
import * as restate from "@restatedev/restate-sdk";

const [port, transport, variant] = process.argv.slice(2);

const greeterHandlers = {
  greet: async (ctx, name) => `Hello, ${name}!`,
};
if (variant === "v2") {
  greeterHandlers.wave = async (ctx, name) => `Bye, ${name}!`;
}
const greeter = restate.service({
  name: "DiscoveryGreeter",
  handlers: greeterHandlers,
  options: { inactivityTimeout: 90_000, retryPolicy: { initialInterval: 250, maxAttempts: 7 } },
});

const counter = restate.object({
  name: "DiscoveryCounter",
  handlers: {
    add: async (ctx, amount) => {
      const value = ((await ctx.get("count")) ?? 0) + amount;
      ctx.set("count", value);
      return value;
    },
    get: restate.handlers.object.shared(
      { enableLazyState: true },
      async (ctx) => (await ctx.get("count")) ?? 0),
  },
});

const signup = restate.workflow({
  name: "DiscoverySignup",
  handlers: {
    run: async (ctx, email) => `welcome ${email}`,
    status: async (ctx) => "running",
  },
});

const handler = restate.createEndpointHandler({ services: [greeter, counter, signup] });
const server = transport === "http1" ? http.createServer(handler) : http2.createServer(handler);
server.listen(Number(port), "127.0.0.1", () => console.log(`listening on ${port} (${transport})`));
