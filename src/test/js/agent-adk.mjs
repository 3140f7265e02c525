// A Google ADK JS 2.0 agent exposed over A2A 0.3 by ADK's own toA2a(): a custom BaseAgent with no model (no LLM,
// no network, no key) that answers "adk echo: <text>" (or "<name> echo: <text>" with --name). toA2a serves, on
// @a2a-js/sdk 0.3.x with ADK's A2AAgentExecutor: the card at /.well-known/agent-card.json, JSON-RPC at /jsonrpc
// (the card's url) and the 0.3 HTTP+JSON binding at /rest. ADK always answers with a Task (working, one artifact,
// completed) and does not implement tasks/cancel. A text with the word "slow" is answered slowly: a partial
// event (".") every 200 ms for 10 s, then the echo (a task that stays working meanwhile; cancel it and ADK says it
// cannot).
// Usage: node agent-adk.mjs [--port N] [--name NAME] [--log-requests]
import express from 'express';
import { BaseAgent, createEvent, setLogger, toA2a } from '@google/adk';
import { exitWithParent, listen, parseArgs, requestLogging, sleep, stderrAdkLogger, textOf } from './lib.mjs';

const { options } = parseArgs(process.argv.slice(2), { flags: ['log-requests'] });
const prefix = options.name ?? 'adk';
setLogger(stderrAdkLogger);
stderrAdkLogger.setLogLevel(2);

/** The whole agent: one final event whose content echoes the user's text. */
class EchoAgent extends BaseAgent {
  async *runAsyncImpl(context) {
    const text = textOf(context.userContent?.parts ?? []);
    if (/\bslow\b/i.test(text)) {
      for (let i = 0; i < 50; i++) {
        await sleep(200).promise;
        yield createEvent({
          invocationId: context.invocationId,
          author: this.name,
          branch: context.branch,
          partial: true,
          content: { role: 'model', parts: [{ text: '.' }] },
        });
      }
    }
    yield createEvent({
      invocationId: context.invocationId,
      author: this.name,
      branch: context.branch,
      content: { role: 'model', parts: [{ text: `${prefix} echo: ${text}` }] },
    });
  }

  async *runLiveImpl() {
    throw new Error('live mode is not supported by this agent');
  }
}

const agent = new EchoAgent({
  name: options.name ?? 'adk_echo',
  description: 'Echo agent built with Google ADK JS (no model), the OmniForge test peer',
});

const { port, attach } = await listen(options.port);
let app;
if (options['log-requests']) {
  app = express();
  app.use(...requestLogging(express));
}
// toA2a bakes host and port into the card, which is why the server listens before the app is built.
// allowUnauthenticated: the peer listens on loopback only, for tests.
attach(await toA2a(agent, { host: '127.0.0.1', port, allowUnauthenticated: true, ...(app ? { app } : {}) }));
exitWithParent();
