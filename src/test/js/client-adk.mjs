// Google ADK JS 2.0 as an A2A 0.3 client: a RemoteA2AAgent pointed at a card, run by ADK's InMemoryRunner with
// one user text. Prints each ADK event the runner yields as {"event": {...}}, then one last line
// {"finalText": "<text of the last final response>", "errorMessage"?: "..."} (errorMessage: the error ADK turned
// into an event, e.g. when the remote agent could not be reached). An exception outside ADK's own handling is one
// line {"error": {...}}. Exits 0 either way; 2 on a usage error.
// Usage: node client-adk.mjs <cardUrl> <text> [--header 'Name: value']...
//
// ADK resolves a card URL string by appending ".well-known/agent-card.json" to it as a relative URL, so the card's
// own URL would become .../.well-known/.well-known/agent-card.json. What it takes is the base ending in "/": this
// script passes the directory of the card URL, which ADK turns back into exactly the card URL.
import { ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory, RestTransportFactory } from '@a2a-js/sdk/client';
import { InMemoryRunner, RemoteA2AAgent, isFinalResponse, setLogger, stringifyContent } from '@google/adk';
import { errorJson, fail, headerFetch, parseArgs, printJson, stderrAdkLogger } from './lib.mjs';

const { options, positional } = parseArgs(process.argv.slice(2), { repeatable: ['header'] });
const [cardUrl, text] = positional;
if (!cardUrl || text === undefined) {
  fail('usage: client-adk.mjs <cardUrl> <text> [--header "Name: value"]');
}
setLogger(stderrAdkLogger);
const { fetch } = headerFetch(options.header);

try {
  const wellKnown = '.well-known/agent-card.json';
  const remote = new RemoteA2AAgent({
    name: 'remote',
    description: 'the A2A agent behind the card',
    agentCard: cardUrl.endsWith(wellKnown) ? cardUrl.slice(0, -wellKnown.length) : cardUrl,
    // ADK fetches the card itself (without these headers); its client's calls go through them.
    clientFactory: new ClientFactory(ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [new JsonRpcTransportFactory({ fetchImpl: fetch }), new RestTransportFactory({ fetchImpl: fetch })],
    })),
  });
  const runner = new InMemoryRunner({ agent: remote, appName: 'omniforge_test' });
  const session = await runner.sessionService.createSession({ appName: 'omniforge_test', userId: 'user' });
  let finalText;
  let errorMessage;
  for await (const event of runner.runAsync({
    userId: 'user',
    sessionId: session.id,
    newMessage: { role: 'user', parts: [{ text }] },
  })) {
    printJson({ event });
    if (event.errorMessage) errorMessage = event.errorMessage;
    if (isFinalResponse(event) && event.content) finalText = stringifyContent(event);
  }
  printJson({ finalText: finalText ?? null, ...(errorMessage ? { errorMessage } : {}) });
} catch (error) {
  printJson(errorJson(error));
}
