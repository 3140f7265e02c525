// An A2A 1.0 client on the HTTP+JSON binding: @a2a-js/sdk 1.3.0's ClientFactory with its REST transport only, from
// a card URL. The SDK sends `A2A-Version: 1.0` on every call. Same operations and output as client03.mjs; the SDK
// returns its protobuf-shaped objects (numeric enums, parts as {content: {$case, value}}), so each is printed
// through the SDK's own JSON codec, which gives the 1.0 wire form:
//   send / send-reply     {"task": {...}} or {"message": {...}}  (SendMessageResponse)
//   stream / stream-reply / resubscribe   one StreamResponse per line: {"task"|"message"|"statusUpdate"|"artifactUpdate": {...}}
//   get / cancel          the Task itself
// An error is one line {"error":{name, message, reason?, statusCode?}} (reason: the google.rpc.ErrorInfo reason).
// Usage: node client-rest13.mjs <cardUrl> <operation> [--header 'Name: value']...
//   send <text> [--non-blocking] [--context-id ID] | stream <text> [--context-id ID]
//   send-reply <taskId> <contextId> <text> | stream-reply <taskId> <contextId> <text>
//   get <taskId> [--history N] | cancel <taskId> | resubscribe <taskId>
// --metadata JSON sets the message metadata (e.g. the gateway's orchestration extension, to choose an agent).
import { randomUUID } from 'node:crypto';
import { Role, SendMessageResponse, StreamResponse, Task } from 'a2a-sdk-13';
import { ClientFactory, DefaultAgentCardResolver, RestTransportFactory } from 'a2a-sdk-13/client';
import { errorJson, fail, headerFetch, parseArgs, printJson } from './lib.mjs';

const { options, positional } = parseArgs(process.argv.slice(2), { flags: ['non-blocking'], repeatable: ['header'] });
const [cardUrl, operation, ...rest] = positional;
if (!cardUrl || !operation) {
  fail('usage: client-rest13.mjs <cardUrl> send|stream|send-reply|stream-reply|get|cancel|resubscribe ... [--header "Name: value"]');
}
const arg = (i, what) => rest[i] ?? fail(`${operation}: missing ${what}`);
const { fetch } = headerFetch(options.header);

const request = (text, taskId = '', contextId = '') => ({
  tenant: '',
  message: {
    messageId: randomUUID(),
    contextId,
    taskId,
    role: Role.ROLE_USER,
    parts: [{ content: { $case: 'text', value: text }, mediaType: 'text/plain', filename: '', metadata: undefined }],
    metadata: options.metadata ? JSON.parse(options.metadata) : undefined,
    extensions: [],
    referenceTaskIds: [],
  },
  configuration: options['non-blocking'] ? { acceptedOutputModes: [], returnImmediately: true, taskPushNotificationConfig: undefined } : undefined,
  metadata: undefined,
});

/** sendMessage returns the Message or the Task itself; the wire wraps it, and so does this line. */
const sendResult = (result) =>
  SendMessageResponse.toJSON({ payload: 'messageId' in result ? { $case: 'message', value: result } : { $case: 'task', value: result } });

try {
  const factory = new ClientFactory({
    transports: [new RestTransportFactory({ fetchImpl: fetch })],
    cardResolver: new DefaultAgentCardResolver({ fetchImpl: fetch }),
  });
  // An empty path: the URL is the card's own, not a base to append /.well-known/agent-card.json to.
  const client = await factory.createFromUrl(cardUrl, '');
  switch (operation) {
    case 'send':
      printJson(sendResult(await client.sendMessage(request(arg(0, 'text'), '', options['context-id']))));
      break;
    case 'send-reply':
      printJson(sendResult(await client.sendMessage(request(arg(2, 'text'), arg(0, 'taskId'), arg(1, 'contextId')))));
      break;
    case 'stream':
      for await (const event of client.sendMessageStream(request(arg(0, 'text'), '', options['context-id']))) {
        printJson(StreamResponse.toJSON(event));
      }
      break;
    case 'stream-reply':
      for await (const event of client.sendMessageStream(request(arg(2, 'text'), arg(0, 'taskId'), arg(1, 'contextId')))) {
        printJson(StreamResponse.toJSON(event));
      }
      break;
    case 'get': {
      const historyLength = options.history !== undefined ? Number(options.history) : undefined;
      printJson(Task.toJSON(await client.getTask({ tenant: '', id: arg(0, 'taskId'), historyLength })));
      break;
    }
    case 'cancel':
      printJson(Task.toJSON(await client.cancelTask({ tenant: '', id: arg(0, 'taskId'), metadata: undefined })));
      break;
    case 'resubscribe':
      for await (const event of client.resubscribeTask({ tenant: '', id: arg(0, 'taskId') })) {
        printJson(StreamResponse.toJSON(event));
      }
      break;
    default:
      fail(`unknown operation ${operation}`);
  }
} catch (error) {
  printJson(errorJson(error));
}
