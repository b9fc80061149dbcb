// The Restate SDK handlers of Ferry's benchmark (bench/run, scenarios 7 and 8), served by the real Restate
// TypeScript SDK over HTTP/2 cleartext.
//
//   node bench-sdk.mjs <port> <statsPort>
//
// Listens on 127.0.0.1 only: <port> for the Restate endpoint, <statsPort> for GET /stats, which counts outside
// the protocol what the handlers saw: calls, distinct records (by Kafka partition and offset), and per object key
// the records that arrived after a later one, calls that overlapped and records seen twice in a row.
import http from "node:http";
import http2 from "node:http2";
import * as restate from "@restatedev/restate-sdk";

const [portArg, statsPortArg] = process.argv.slice(2);
const stats = {
  requests: 0,
  distinct: 0,
  order_violations: 0,
  overlaps: 0,
  repeated_sequences: 0,
  in_flight: 0,
  peak_in_flight: 0,
  last_distinct_at: 0,
};
const seen = new Set();
const lastOffset = new Map();
const busy = new Set();

function begin(ctx, key) {
  const headers = ctx.request().headers;
  const partition = headers.get("kafka.partition");
  const offset = Number(headers.get("kafka.offset"));
  stats.requests++;
  stats.in_flight++;
  stats.peak_in_flight = Math.max(stats.peak_in_flight, stats.in_flight);
  const record = `${partition}:${offset}`;
  if (!seen.has(record)) {
    seen.add(record);
    stats.distinct++;
    stats.last_distinct_at = Date.now();
  }
  if (key !== undefined) {
    if (busy.has(key)) {
      stats.overlaps++;
    }
    busy.add(key);
    const last = lastOffset.get(key);
    if (last !== undefined && offset < last) {
      stats.order_violations++;
    } else if (last === offset) {
      stats.repeated_sequences++;
    }
    lastOffset.set(key, Math.max(last ?? -1, offset));
  }
}

function end(key) {
  stats.in_flight--;
  if (key !== undefined) {
    busy.delete(key);
  }
}

const service = restate.service({
  name: "BenchSdk",
  handlers: {
    run: async (ctx, value) => {
      begin(ctx, undefined);
      end(undefined);
      return { ok: true };
    },
  },
});

const object = restate.object({
  name: "BenchSdkObject",
  handlers: {
    run: async (ctx, value) => {
      const key = ctx.key;
      begin(ctx, key);
      try {
        const count = (await ctx.get("count")) ?? 0;
        ctx.set("count", count + 1);
        return count + 1;
      } finally {
        end(key);
      }
    },
  },
});

// scenario 10: a step, a 10 ms sleep (the invocation suspends, its timer a row), then a state update
const sleeper = restate.object({
  name: "BenchSdkSleep",
  handlers: {
    run: async (ctx, value) => {
      const key = ctx.key;
      begin(ctx, key);
      end(key);
      const step = await ctx.run("step", () => Date.now());
      await ctx.sleep(10);
      const count = (await ctx.get("count")) ?? 0;
      ctx.set("count", count + 1);
      return { count: count + 1, step };
    },
  },
});

const handler = restate.createEndpointHandler({ services: [service, object, sleeper] });
const server = http2.createServer(handler);
const side = http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(stats));
});

server.listen(Number(portArg), "127.0.0.1", () => {
  side.listen(Number(statsPortArg), "127.0.0.1", () => {
    console.log(`listening ${server.address().port} ${side.address().port}`);
  });
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => process.exit(0));
}
