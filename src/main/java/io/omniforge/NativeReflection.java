package io.omniforge;

import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.AgentCapabilities;
import io.omniforge.a2a.AgentCard;
import io.omniforge.a2a.AgentCardSignature;
import io.omniforge.a2a.AgentExtension;
import io.omniforge.a2a.AgentInterface;
import io.omniforge.a2a.AgentProvider;
import io.omniforge.a2a.AgentSkill;
import io.omniforge.a2a.Artifact;
import io.omniforge.a2a.AuthenticationInfo;
import io.omniforge.a2a.CancelTaskRequest;
import io.omniforge.a2a.ErrorInfo;
import io.omniforge.a2a.GetExtendedAgentCardRequest;
import io.omniforge.a2a.GetTaskRequest;
import io.omniforge.a2a.HandoffCapability;
import io.omniforge.a2a.JsonRpcError;
import io.omniforge.a2a.JsonRpcRequest;
import io.omniforge.a2a.JsonRpcResponse;
import io.omniforge.a2a.ListTaskPushNotificationConfigsRequest;
import io.omniforge.a2a.ListTaskPushNotificationConfigsResponse;
import io.omniforge.a2a.ListTasksRequest;
import io.omniforge.a2a.ListTasksResponse;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.OrchestrationCapability;
import io.omniforge.a2a.Part;
import io.omniforge.a2a.Role;
import io.omniforge.a2a.SecurityRequirement;
import io.omniforge.a2a.SecurityScheme;
import io.omniforge.a2a.SendMessageConfiguration;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.SendMessageResponse;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.SubscribeToTaskRequest;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskArtifactUpdateEvent;
import io.omniforge.a2a.TaskPushNotificationConfig;
import io.omniforge.a2a.TaskPushNotificationConfigRequest;
import io.omniforge.a2a.TaskState;
import io.omniforge.a2a.TaskStatus;
import io.omniforge.a2a.TaskStatusUpdateEvent;
import io.omniforge.agent.AgentInfo;
import io.omniforge.api.AgentsResource;
import io.omniforge.api.ApiError;
import io.omniforge.api.ThreadsResource;
import io.omniforge.handoff.HandoffRecord;
import io.omniforge.handoff.HandoffState;
import io.omniforge.orchestration.FailurePolicy;
import io.omniforge.orchestration.LegRecord;
import io.omniforge.orchestration.OrchestrationState;
import io.omniforge.orchestration.Plan;
import io.omniforge.orchestration.Strategy;
import io.omniforge.orchestration.Synthesis;
import io.omniforge.thread.ConversationThread;
import io.omniforge.thread.ThreadMessage;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The types Jackson reads or writes by reflection outside a JAX-RS resource signature, which a native image must
 * keep: the whole A2A model (bound by the JSON-RPC route, the downstream client and the demo agents), what the store
 * keeps as JSON (Task, Message, StreamResponse, an orchestration's state with its plan and legs, a thread's handoff
 * records), and the management API's records, including the error body the exception mappers build.
 * {@code NativeReflectionTest} checks that every type of ours inside a registered record is registered too. Kept correct by review: no GraalVM runs on the build machines. A new record that Jackson
 * handles outside a resource signature belongs here.
 */
@RegisterForReflection(targets = {
    // the A2A 1.0 wire model
    AgentCard.class, AgentCapabilities.class, AgentCardSignature.class, AgentExtension.class, AgentInterface.class,
    AgentProvider.class, AgentSkill.class, Artifact.class, AuthenticationInfo.class, CancelTaskRequest.class,
    ErrorInfo.class, GetExtendedAgentCardRequest.class, GetTaskRequest.class, JsonRpcError.class,
    JsonRpcRequest.class, JsonRpcResponse.class, ListTaskPushNotificationConfigsRequest.class,
    ListTaskPushNotificationConfigsResponse.class, ListTasksRequest.class, ListTasksResponse.class, Message.class,
    Part.class, Role.class, SecurityRequirement.class, SecurityRequirement.StringList.class, SecurityScheme.class,
    SecurityScheme.APIKeySecurityScheme.class, SecurityScheme.HTTPAuthSecurityScheme.class,
    SecurityScheme.OAuth2SecurityScheme.class, SecurityScheme.OpenIdConnectSecurityScheme.class,
    SecurityScheme.MutualTlsSecurityScheme.class, SecurityScheme.OAuthFlows.class,
    SecurityScheme.AuthorizationCodeOAuthFlow.class, SecurityScheme.ClientCredentialsOAuthFlow.class,
    SecurityScheme.DeviceCodeOAuthFlow.class, SecurityScheme.ImplicitOAuthFlow.class,
    SecurityScheme.PasswordOAuthFlow.class, SendMessageConfiguration.class, SendMessageRequest.class,
    SendMessageResponse.class, SendMessageResponse.Writer.class, StreamResponse.class, SubscribeToTaskRequest.class, Task.class,
    TaskArtifactUpdateEvent.class, TaskPushNotificationConfig.class, TaskPushNotificationConfigRequest.class,
    TaskState.class, TaskStatus.class, TaskStatusUpdateEvent.class, A2aError.class,
    // the typed views of the two card extensions
    OrchestrationCapability.class, OrchestrationCapability.Limits.class, HandoffCapability.class,
    HandoffCapability.ContextMode.class,
    // the management API and what it shows of the store
    AgentInfo.class, AgentInfo.Source.class, AgentInfo.State.class, AgentsResource.Registration.class,
    ApiError.class, ApiError.Body.class, ThreadsResource.ThreadSummary.class, ThreadsResource.ThreadPage.class,
    ThreadsResource.ThreadView.class, ConversationThread.class, ThreadMessage.class,
    // what the store keeps as JSON beside the A2A objects: a task's orchestration, a thread's handoff history
    OrchestrationState.class, Plan.class, LegRecord.class, Strategy.class, Synthesis.class, FailurePolicy.class,
    HandoffRecord.class, HandoffState.class
})
public final class NativeReflection {

    private NativeReflection() {
    }
}
