package io.omniforge.api;

import io.omniforge.service.A2aService;
import io.omniforge.a2a.AgentCard;
import io.omniforge.service.CallContext;
import io.omniforge.a2a.CancelTaskRequest;
import io.omniforge.a2a.GetTaskRequest;
import io.omniforge.a2a.ListTasksRequest;
import io.omniforge.a2a.ListTasksResponse;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.OrchestrationCapability;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.SendMessageResponse;
import io.omniforge.a2a.StreamEvent;
import io.omniforge.a2a.SubscribeToTaskRequest;
import io.omniforge.a2a.Task;
import io.omniforge.agent.AgentInfo;
import io.omniforge.agent.AgentRegistry;
import io.omniforge.orchestration.OrchestrationManager;
import io.omniforge.task.TaskManager;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every named flow is an A2A agent of its own at {@code /flows/<name>} (card, JSON-RPC endpoint at
 * {@code /flows/<name>/a2a}, HTTP+JSON interface at {@code /flows/<name>}), and is
 * registered as an agent, so a flow can be one of the agents of another flow (called over loopback like any
 * agent).
 */
@ApplicationScoped
public class FlowRoutes {

    public static String basePath(String flow) {
        return "/flows/" + flow;
    }

    void mount(@Observes Router router, JsonRpcTransport transport, HttpJsonTransport httpJson, TaskManager tasks,
            OrchestrationManager orchestration) {
        orchestration.flows().all().keySet().forEach(name -> {
            FlowService flow = new FlowService(name, tasks, orchestration);
            transport.mount(router, basePath(name), basePath(name) + "/a2a", flow);
            httpJson.mount(router, basePath(name), flow);
        });
    }

    void declare(@Observes StartupEvent event, AgentRegistry registry, OrchestrationManager orchestration) {
        orchestration.flows().all().keySet().forEach(name -> registry.declareLocal(name, basePath(name), AgentInfo.Source.FLOW));
    }

    /** A flow as an A2A agent: every new message runs the flow; the rest is the orchestrator's own task handling. */
    static final class FlowService implements A2aService {
        private final String flow;
        private final TaskManager tasks;
        private final OrchestrationManager orchestration;

        FlowService(String flow, TaskManager tasks, OrchestrationManager orchestration) {
            this.flow = flow;
            this.tasks = tasks;
            this.orchestration = orchestration;
        }

        @Override
        public AgentCard card(io.omniforge.service.ServedAt at) {
            return orchestration.flowCard(flow, at.baseUrl());
        }

        /** A new message (not a reply to a task) is marked to run this flow. */
        private SendMessageRequest forFlow(SendMessageRequest request) {
            Message m = request.message();
            if (m.taskId() != null && !m.taskId().isBlank()) {
                return request;
            }
            Map<String, Object> metadata = m.metadata() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(m.metadata());
            metadata.put(OrchestrationCapability.URI, Map.of("flow", flow));
            return new SendMessageRequest(request.tenant(), m.withMetadata(metadata), request.configuration(), request.metadata());
        }

        @Override
        public Uni<SendMessageResponse> sendMessage(CallContext ctx, SendMessageRequest request) {
            return tasks.sendMessage(ctx, forFlow(request));
        }

        @Override
        public Multi<StreamEvent> sendStreamingMessage(CallContext ctx, SendMessageRequest request) {
            return tasks.sendStreamingMessage(ctx, forFlow(request));
        }

        @Override
        public Uni<Task> getTask(CallContext ctx, GetTaskRequest request) {
            return tasks.getTask(ctx, request);
        }

        @Override
        public Uni<ListTasksResponse> listTasks(CallContext ctx, ListTasksRequest request) {
            return tasks.listTasks(ctx, request);
        }

        @Override
        public Uni<Task> cancelTask(CallContext ctx, CancelTaskRequest request) {
            return tasks.cancelTask(ctx, request);
        }

        @Override
        public Multi<StreamEvent> subscribeToTask(CallContext ctx, SubscribeToTaskRequest request) {
            return tasks.subscribeToTask(ctx, request);
        }
    }
}
