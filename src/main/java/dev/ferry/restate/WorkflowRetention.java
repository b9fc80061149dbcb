package dev.ferry.restate;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.ferry.invocation.WorkflowRunsPurged;

/**
 * Clears what a workflow keeps once retention purges its run: its state, its promises and their waiters, in the
 * transaction that purges the run, so a workflow whose key may run again starts from nothing, as in Restate.
 */
@Component
class WorkflowRetention {

    private final JdbcTemplate jdbc;

    WorkflowRetention(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventListener
    void on(WorkflowRunsPurged purged) {
        String[] services = purged.runs().stream().map(WorkflowRunsPurged.Run::service).toArray(String[]::new);
        String[] keys = purged.runs().stream().map(run -> run.key() == null ? "" : run.key()).toArray(String[]::new);
        for (String table : new String[] {"workflow_promise_waiters", "workflow_promises"}) {
            jdbc.update("delete from " + table + " t using unnest(?::text[], ?::text[]) as u(service, workflow_key)"
                    + " where t.service = u.service and t.workflow_key = u.workflow_key", services, keys);
        }
        jdbc.update("""
                delete from object_state s using unnest(?::text[], ?::text[]) as u(service, object_key)
                 where s.service = u.service and s.object_key = u.object_key""", services, keys);
    }
}
