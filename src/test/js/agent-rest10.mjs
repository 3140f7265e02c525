// An A2A 1.0 agent built on @a2a-js/sdk 1.3.0 that serves ONLY the HTTP+JSON binding: its restHandler at
// /a2a/rest (POST /message:send, /message:stream, GET /tasks/{id}, POST /tasks/{id}:cancel, ...), without the
// SDK's opt-in 0.3 compatibility layer, and a card whose one interface is HTTP+JSON, protocolVersion 1.0.
// Requests without the header `A2A-Version: 1.0` are refused by the SDK (a missing header means 0.3).
// Behaviours as agent03.mjs (first keyword of the user's text, as a whole word):
//   ask -> input-required, the reply on the same taskId completes it with "<name> got: <reply>";
//   slow -> working updates every 200 ms until CancelTask; fail -> failed; message -> a Message, no task;
//   stream -> two artifact chunks, the second appended; drop -> working updates for about a second, then the
//   artifact; else -> the artifact "<name> echo: <text>". With --drop-streams, a message:stream mentioning "drop"
//   has its connection broken after its first event (the task goes on); a reply mentioning "drop" is answered after half a second.
// Usage: node agent-rest10.mjs [--port N] [--name NAME] [--accept-handoffs] [--handoff-context C] [--log-requests]
//        [--drop-streams]
import express from 'express';
import { randomUUID } from 'node:crypto';
import { Role, TaskState } from 'a2a-sdk-13';
import { AgentEvent, DefaultRequestHandler, InMemoryTaskStore } from 'a2a-sdk-13/server';
import { agentCardHandler, restHandler, UserBuilder } from 'a2a-sdk-13/server/express';
import {
  behaviourOf, dropStreams, exitWithParent, handoffExtension, listen, parseArgs, requestLogging, sleep, textOf,
} from './lib.mjs';

const { options } = parseArgs(process.argv.slice(2), { flags: ['accept-handoffs', 'log-requests', 'drop-streams'] });
const name = options.name ?? 'rest10';

const now = () => new Date().toISOString();
// The 1.x SDK works on its protobuf-shaped objects: parts are {content: {$case, value}}, enums are numbers.
const textPart = (text) => ({ content: { $case: 'text', value: text }, mediaType: 'text/plain', filename: '', metadata: undefined });

/** The agent's logic as an @a2a-js/sdk 1.x AgentExecutor: every turn starts with a task or a message event. */
class EchoExecutor {
  running = new Map();
  canceled = new Set();

  async execute(ctx, bus) {
    const { taskId, contextId, userMessage, task } = ctx;
    const text = textOf(userMessage.parts);
    const agentMessage = (reply) => ({
      messageId: randomUUID(), contextId, taskId, role: Role.ROLE_AGENT, parts: [textPart(reply)], metadata: undefined, extensions: [], referenceTaskIds: [],
    });
    const status = (state, message) =>
      bus.publish(AgentEvent.statusUpdate({ taskId, contextId, status: { state, message, timestamp: now() }, metadata: undefined }));
    const artifact = (text, append = false, lastChunk = true) =>
      bus.publish(AgentEvent.artifactUpdate({
        taskId, contextId, append, lastChunk, metadata: undefined,
        artifact: { artifactId: `echo-${taskId}`, name: 'echo', description: '', parts: [textPart(text)], metadata: undefined, extensions: [] },
      }));

    if (task) {
      // A follow-up turn on an existing task: the SDK wants the task as this turn's first event too.
      bus.publish(AgentEvent.task(task));
      if (task.status?.state === TaskState.TASK_STATE_INPUT_REQUIRED) {
        status(TaskState.TASK_STATE_WORKING);
        if (behaviourOf(text) === 'drop') await sleep(500).promise;
        artifact(`${name} got: ${text}`);
        status(TaskState.TASK_STATE_COMPLETED);
        return;
      }
    }

    const behaviour = behaviourOf(text);
    if (behaviour === 'message' && !task) {
      bus.publish(AgentEvent.message({ ...agentMessage(`${name} echo: ${text}`), taskId: '' }));
      return;
    }
    if (!task) {
      bus.publish(AgentEvent.task({
        id: taskId, contextId, status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: now() },
        artifacts: [], history: [userMessage], metadata: undefined,
      }));
    }
    status(TaskState.TASK_STATE_WORKING);
    switch (behaviour) {
      case 'ask':
        status(TaskState.TASK_STATE_INPUT_REQUIRED, agentMessage(`${name} asks: what should I do with "${text}"?`));
        break;
      case 'fail':
        status(TaskState.TASK_STATE_FAILED, agentMessage(`${name} failed: ${text}`));
        break;
      case 'slow':
        // execute() must not return while the task runs: the SDK settles the task's event bus when it does.
        while (!this.canceled.has(taskId)) {
          const pause = sleep(200);
          this.running.set(taskId, pause.wake);
          await pause.promise;
          if (!this.canceled.has(taskId)) status(TaskState.TASK_STATE_WORKING);
        }
        this.running.delete(taskId);
        this.canceled.delete(taskId);
        status(TaskState.TASK_STATE_CANCELED);
        break;
      case 'drop':
        for (let i = 0; i < 5; i++) {
          await sleep(200).promise;
          status(TaskState.TASK_STATE_WORKING);
        }
        artifact(`${name} echo: ${text}`);
        status(TaskState.TASK_STATE_COMPLETED);
        break;
      case 'stream':
        artifact(`${name} echo: `, false, false);
        artifact(text, true, true);
        status(TaskState.TASK_STATE_COMPLETED);
        break;
      default:
        artifact(`${name} echo: ${text}`);
        status(TaskState.TASK_STATE_COMPLETED);
    }
  }

  /** CancelTask: the slow loop stops at once and publishes the canceled status itself. */
  async cancelTask(taskId) {
    const wake = this.running.get(taskId);
    if (wake) {
      this.canceled.add(taskId);
      wake();
    }
  }
}

const { baseUrl, attach } = await listen(options.port);
const card = {
  name,
  description: `Echo agent on @a2a-js/sdk 1.3.0 serving only the A2A 1.0 HTTP+JSON binding, the OmniForge test peer ${name}`,
  version: '1.0.0',
  supportedInterfaces: [{ url: `${baseUrl}/a2a/rest`, protocolBinding: 'HTTP+JSON', tenant: '', protocolVersion: '1.0' }],
  capabilities: {
    streaming: true,
    pushNotifications: false,
    extensions: options['accept-handoffs'] ? [handoffExtension(options['handoff-context'])] : [],
    extendedAgentCard: false,
  },
  securitySchemes: {},
  securityRequirements: [],
  defaultInputModes: ['text/plain'],
  defaultOutputModes: ['text/plain'],
  skills: [{
    id: 'echo', name: 'Echo', description: 'Echoes the text; "stream", "ask", "slow", "fail", "message" change how', tags: ['echo'],
    examples: ['hello'], inputModes: [], outputModes: [], securityRequirements: [],
  }],
  signatures: [],
};

const requestHandler = new DefaultRequestHandler(card, new InMemoryTaskStore(), new EchoExecutor());
const app = express();
if (options['log-requests']) app.use(...requestLogging(express));
app.use('/.well-known/agent-card.json', agentCardHandler({ agentCardProvider: requestHandler }));
if (options['drop-streams']) {
  app.use('/a2a/rest', express.json({ limit: '10mb', type: ['application/json', 'application/a2a+json'] }), dropStreams());
}
app.use('/a2a/rest', restHandler({ requestHandler, userBuilder: UserBuilder.noAuthentication }));
attach(app);
exitWithParent();
