// Services whose state and outputs follow from the records they are given and nothing else, so that two runtimes
// fed the same Kafka records (Ferry and restate-server) must end with the same state and the same outputs.
//
//   node differential.mjs <port> <h2c|http1>
//
// Listens on 127.0.0.1 only; prints "listening <port>".
import http from "node:http";
import http2 from "node:http2";
import * as restate from "@restatedev/restate-sdk";

const [portArg, transport] = process.argv.slice(2);

const coordinates = (ctx) => {
  const headers = ctx.request().headers;
  return {
    topic: headers.get("kafka.topic") ?? null,
    partition: headers.get("kafka.partition") ?? null,
    offset: headers.get("kafka.offset") ?? null,
    timestamp: headers.get("kafka.timestamp") ?? null,
    kafkaKey: headers.get("kafka.key") ?? null,
  };
};

const ledger = restate.object({
  name: "Ledger",
  handlers: {
    post: async (ctx, amount) => {
      const balance = (await ctx.get("balance")) ?? 0;
      const entries = (await ctx.get("entries")) ?? 0;
      const fee = await ctx.run("fee", () => (amount % 3 === 0 ? 1 : 0));
      const record = coordinates(ctx);
      ctx.set("balance", balance + amount - fee);
      ctx.set("entries", entries + 1);
      ctx.set("last", { amount, offset: record.offset });
      return { key: ctx.key, balance: balance + amount - fee, entries: entries + 1, fee, ...record };
    },
    balance: restate.handlers.object.shared(async (ctx) => (await ctx.get("balance")) ?? 0),
  },
});

const echo = restate.service({
  name: "Echo",
  handlers: {
    echo: async (ctx, value) => ({ value, ...coordinates(ctx) }),
  },
});

const handler = restate.createEndpointHandler({ services: [ledger, echo] });
const server = transport === "http1" ? http.createServer(handler) : http2.createServer(handler);
server.listen(Number(portArg), "127.0.0.1", () => console.log(`listening ${server.address().port}`));
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => process.exit(0));
}
