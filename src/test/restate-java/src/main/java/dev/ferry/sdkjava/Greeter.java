package dev.ferry.sdkjava;

import dev.restate.sdk.Context;
import dev.restate.sdk.annotation.Handler;
import dev.restate.sdk.annotation.Service;

/** A plain (stateless) service. */
@Service(name = "Greeter")
public class Greeter {

    @Handler
    public String greet(Context ctx, String name) {
        return "hello " + name + " from " + ctx.request().headers().getOrDefault("kafka.topic", "a call");
    }
}
