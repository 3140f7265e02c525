// An A2A 0.3 client: @a2a-js/sdk 0.3.14's ClientFactory, from a card URL, as a 0.3 user would write it. Runs one
// operation and prints every result or stream event as one JSON line, exactly as the SDK returns it; an error as
// one line {"error":{name, message, code?, rpcError?}} (code and rpcError: the JSON-RPC error the SDK kept).
// Exits 0 either way; 2 on a usage error.
// Usage: node client03.mjs <cardUrl> <operation> [--header 'Name: value']... [--transport JSONRPC|HTTP+JSON]
//   send <text> [--non-blocking] [--context-id ID]   message/send (blocking unless --non-blocking)
//   stream <text> [--context-id ID]                  message/stream
//   send-reply <taskId> <contextId> <text>           message/send continuing a task (the answer to input-required)
//   stream-reply <taskId> <contextId> <text>         the same over message/stream
//   get <taskId> [--history N]                       tasks/get
//   cancel <taskId>                                  tasks/cancel
//   resubscribe <taskId>                             tasks/resubscribe
// --metadata JSON sets the message metadata (e.g. the gateway's orchestration extension, to choose an agent).
import { randomUUID } from 'node:crypto';
import { ClientFactory, ClientFactoryOptions, DefaultAgentCardResolver, JsonRpcTransportFactory, RestTransportFactory } from '@a2a-js/sdk/client';
import { errorJson, fail, headerFetch, parseArgs, printJson } from './lib.mjs';

const { options, positional } = parseArgs(process.argv.slice(2), { flags: ['non-blocking'], repeatable: ['header'] });
const [cardUrl, operation, ...rest] = positional;
if (!cardUrl || !operation) {
  fail('usage: client03.mjs <cardUrl> send|stream|send-reply|stream-reply|get|cancel|resubscribe ... [--header "Name: value"]');
}
const arg = (i, what) => rest[i] ?? fail(`${operation}: missing ${what}`);
const { fetch } = headerFetch(options.header);

const userMessage = (text, taskId, contextId) => ({
  kind: 'message',
  messageId: randomUUID(),
  role: 'user',
  parts: [{ kind: 'text', text }],
  ...(taskId ? { taskId } : {}),
  ...(contextId ? { contextId } : {}),
  ...(options.metadata ? { metadata: JSON.parse(options.metadata) } : {}),
});

try {
  // The SDK's default transports (JSON-RPC and 0.3 HTTP+JSON), each with the fetch that adds the headers.
  const factory = new ClientFactory(ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
    transports: [new JsonRpcTransportFactory({ fetchImpl: fetch }), new RestTransportFactory({ fetchImpl: fetch })],
    cardResolver: new DefaultAgentCardResolver({ fetchImpl: fetch }),
    ...(options.transport ? { preferredTransports: [options.transport] } : {}),
  }));
  // An empty path: the URL is the card's own, not a base to append /.well-known/agent-card.json to.
  const client = await factory.createFromUrl(cardUrl, '');
  switch (operation) {
    case 'send': {
      const configuration = options['non-blocking'] ? { blocking: false } : undefined;
      printJson(await client.sendMessage({ message: userMessage(arg(0, 'text'), undefined, options['context-id']), configuration }));
      break;
    }
    case 'send-reply':
      printJson(await client.sendMessage({ message: userMessage(arg(2, 'text'), arg(0, 'taskId'), arg(1, 'contextId')) }));
      break;
    case 'stream':
      for await (const event of client.sendMessageStream({ message: userMessage(arg(0, 'text'), undefined, options['context-id']) })) {
        printJson(event);
      }
      break;
    case 'stream-reply':
      for await (const event of client.sendMessageStream({ message: userMessage(arg(2, 'text'), arg(0, 'taskId'), arg(1, 'contextId')) })) {
        printJson(event);
      }
      break;
    case 'get': {
      const historyLength = options.history !== undefined ? Number(options.history) : undefined;
      printJson(await client.getTask({ id: arg(0, 'taskId'), ...(historyLength !== undefined ? { historyLength } : {}) }));
      break;
    }
    case 'cancel':
      printJson(await client.cancelTask({ id: arg(0, 'taskId') }));
      break;
    case 'resubscribe':
      for await (const event of client.resubscribeTask({ id: arg(0, 'taskId') })) {
        printJson(event);
      }
      break;
    default:
      fail(`unknown operation ${operation}`);
  }
} catch (error) {
  printJson(errorJson(error));
}
