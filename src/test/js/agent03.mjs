// An A2A 0.3 agent built on @a2a-js/sdk 0.3.14: JSON-RPC at /a2a/jsonrpc, its card at
// /.well-known/agent-card.json. What it does depends on the user's text (first keyword, as a whole word):
//   ask     -> input-required with a question; the reply on the same taskId completes it: "<name> got: <reply>"
//   slow    -> working, a working update every 200 ms, until tasks/cancel
//   fail    -> the task fails
//   message -> a Message, no task
//   stream  -> two artifact chunks (the second appended) that read "<name> echo: <text>" together
//   drop    -> working updates for about a second, then the artifact "<name> echo: <text>"; a message/stream
//              mentioning "drop" has, with --drop-streams, its connection broken after its first event (the task
//              goes on)
//   else    -> a task completing with the artifact "<name> echo: <text>"
// A reply mentioning "drop" is answered after about half a second (its stream broken the same way).
// Usage: node agent03.mjs [--port N] [--name NAME] [--accept-handoffs] [--handoff-context transcript|summary|none]
//        [--log-requests] [--drop-streams]
import express from 'express';
import { randomUUID } from 'node:crypto';
import { DefaultRequestHandler, InMemoryTaskStore } from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import {
  behaviourOf, dropStreams, exitWithParent, handoffExtension, listen, parseArgs, requestLogging, sleep, textOf,
} from './lib.mjs';

const { options } = parseArgs(process.argv.slice(2), { flags: ['accept-handoffs', 'log-requests', 'drop-streams'] });
const name = options.name ?? 'a2a03';

const now = () => new Date().toISOString();

/** The agent's logic, as an @a2a-js/sdk 0.3 AgentExecutor publishes it: events on the task's bus. */
class EchoExecutor {
  /** taskId -> wake() of the slow loop's current sleep; present while a slow task runs. */
  running = new Map();
  canceled = new Set();

  async execute(ctx, bus) {
    const { taskId, contextId, userMessage, task } = ctx;
    const text = textOf(userMessage.parts);
    const status = (state, extra = {}) =>
      bus.publish({ kind: 'status-update', taskId, contextId, status: { state, timestamp: now(), ...extra.status }, final: extra.final ?? false });
    const agentMessage = (reply) => ({
      kind: 'message', messageId: randomUUID(), role: 'agent', parts: [{ kind: 'text', text: reply }], taskId, contextId,
    });
    const artifact = (text, more = {}) =>
      bus.publish({ kind: 'artifact-update', taskId, contextId, artifact: { artifactId: `echo-${taskId}`, name: 'echo', parts: [{ kind: 'text', text }] }, ...more });

    // The reply to a question asked before: the task already exists, in input-required.
    if (task?.status?.state === 'input-required') {
      status('working');
      if (behaviourOf(text) === 'drop') await sleep(500).promise;
      artifact(`${name} got: ${text}`);
      status('completed', { final: true });
      bus.finished();
      return;
    }

    const behaviour = behaviourOf(text);
    if (behaviour === 'message') {
      bus.publish({ kind: 'message', messageId: randomUUID(), role: 'agent', parts: [{ kind: 'text', text: `${name} echo: ${text}` }], contextId });
      bus.finished();
      return;
    }
    if (!task) {
      bus.publish({ kind: 'task', id: taskId, contextId, status: { state: 'submitted', timestamp: now() }, history: [userMessage] });
    }
    status('working');
    switch (behaviour) {
      case 'ask':
        status('input-required', { status: { message: agentMessage(`${name} asks: what should I do with "${text}"?`) }, final: true });
        break;
      case 'fail':
        status('failed', { status: { message: agentMessage(`${name} failed: ${text}`) }, final: true });
        break;
      case 'slow':
        while (!this.canceled.has(taskId)) {
          const pause = sleep(200);
          this.running.set(taskId, pause.wake);
          await pause.promise;
          if (!this.canceled.has(taskId)) status('working');
        }
        this.running.delete(taskId);
        this.canceled.delete(taskId);
        status('canceled', { final: true });
        break;
      case 'drop':
        for (let i = 0; i < 5; i++) {
          await sleep(200).promise;
          status('working');
        }
        artifact(`${name} echo: ${text}`, { lastChunk: true });
        status('completed', { final: true });
        break;
      case 'stream':
        artifact(`${name} echo: `, { append: false, lastChunk: false });
        artifact(text, { append: true, lastChunk: true });
        status('completed', { final: true });
        break;
      default:
        artifact(`${name} echo: ${text}`, { lastChunk: true });
        status('completed', { final: true });
    }
    bus.finished();
  }

  /** tasks/cancel: the slow loop stops at once and publishes the final canceled status itself. */
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
  description: `Echo agent on @a2a-js/sdk 0.3.14 (A2A 0.3), the OmniForge test peer ${name}`,
  protocolVersion: '0.3.0',
  version: '1.0.0',
  url: `${baseUrl}/a2a/jsonrpc`,
  preferredTransport: 'JSONRPC',
  capabilities: {
    streaming: true,
    pushNotifications: false,
    stateTransitionHistory: false,
    ...(options['accept-handoffs'] ? { extensions: [handoffExtension(options['handoff-context'])] } : {}),
  },
  defaultInputModes: ['text/plain'],
  defaultOutputModes: ['text/plain'],
  skills: [{
    id: 'echo', name: 'Echo', description: 'Echoes the text; "stream", "ask", "slow", "fail", "message" change how', tags: ['echo'], examples: ['hello'],
  }],
};

const requestHandler = new DefaultRequestHandler(card, new InMemoryTaskStore(), new EchoExecutor());
const app = express();
if (options['log-requests']) app.use(...requestLogging(express));
app.use('/.well-known/agent-card.json', agentCardHandler({ agentCardProvider: requestHandler }));
if (options['drop-streams']) app.use('/a2a/jsonrpc', express.json({ limit: '10mb' }), dropStreams());
app.use('/a2a/jsonrpc', jsonRpcHandler({ requestHandler, userBuilder: UserBuilder.noAuthentication }));
attach(app);
exitWithParent();
