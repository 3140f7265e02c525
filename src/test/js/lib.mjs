// Helpers shared by the peer scripts: arguments, the ready line, the request log, shutdown, headers and
// JSON-line output. Nothing in here speaks A2A: that is the SDKs' job, each script uses its own.
import http from 'node:http';
import fs from 'node:fs';

// stdout carries JSON lines only: whatever a library prints with console.log/info goes to stderr instead.
console.log = (...args) => console.error(...args);
console.info = (...args) => console.error(...args);

/** An ADK logger (for ADK's setLogger) that writes to stderr: ADK's default winston logger writes to stdout. */
export const stderrAdkLogger = {
  level: 1,
  setLogLevel(level) { this.level = level; },
  log(level, ...args) { if (level >= this.level) process.stderr.write(`[ADK ${level}] ${args.join(' ')}\n`); },
  debug(...args) { this.log(0, ...args); },
  info(...args) { this.log(1, ...args); },
  warn(...args) { this.log(2, ...args); },
  error(...args) { this.log(3, ...args); },
};

/**
 * Parses `--name value`, `--flag` and positional arguments. `repeatable` names options that may occur several
 * times (their value is an array); `flags` names options that take no value.
 */
export function parseArgs(argv, { flags = [], repeatable = [] } = {}) {
  const options = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (flags.includes(name)) {
      options[name] = true;
      continue;
    }
    if (i + 1 >= argv.length) {
      fail(`option --${name} needs a value`);
    }
    const value = argv[++i];
    if (repeatable.includes(name)) {
      (options[name] ??= []).push(value);
    } else {
      options[name] = value;
    }
  }
  return { options, positional };
}

/** A usage error: says so on stderr and exits 2 (the harness's own failure, not the peer's). */
export function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** Writes one JSON line on stdout (synchronous on pipes, so nothing is lost at exit). */
export function printJson(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/**
 * Exits on SIGTERM/SIGINT, and when stdin closes while it is a pipe: the JVM that started the process holds the
 * other end, so a JVM that dies (even by SIGKILL) takes its peers with it. A stdin that is a terminal or /dev/null
 * (a peer started by hand, or in the background of a shell) is not watched.
 */
export function exitWithParent(cleanup = () => {}) {
  const stop = () => {
    try {
      cleanup();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  let stdinIsPipe = false;
  try {
    const stat = fs.fstatSync(0);
    stdinIsPipe = stat.isFIFO() || stat.isSocket();
  } catch {
    // no stdin at all: nothing to watch
  }
  if (stdinIsPipe) {
    process.stdin.on('end', stop);
    process.stdin.on('error', stop);
    process.stdin.resume();
  }
}

/**
 * Listens on 127.0.0.1:port (0: a free port) with a bare HTTP server, before the A2A app exists: the SDKs bake the
 * port into the agent card, so the card can only be built once the port is known. `attach(app)` then hands every
 * request to the app and prints the ready line.
 */
export async function listen(portOption) {
  const port = Number(portOption ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`--port must be a port number, got ${portOption}`);
  }
  const server = http.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = server.address().port;
  return {
    server,
    port: actual,
    baseUrl: `http://127.0.0.1:${actual}`,
    attach(app) {
      server.on('request', app);
      printJson({ ready: true, port: actual, card: `http://127.0.0.1:${actual}/.well-known/agent-card.json` });
    },
  };
}

/**
 * With --log-requests: Express middleware (behind its own express.json(), whose parsed body the SDK's parser then
 * reuses) that prints one line per request, `{"request":{method, path, headers, body}}`, so the Java side can check
 * what a gateway sent an agent. Without the option the agent is the SDK's app untouched: the only difference the
 * option makes is that a body that is not JSON is refused by this parser (HTTP 400) before the SDK sees it.
 */
export function requestLogging(express) {
  return [express.json({ limit: '10mb', type: ['application/json', 'application/a2a+json'] }), (req, _res, next) => {
    printJson({
      request: {
        method: req.method,
        path: req.originalUrl,
        headers: req.headers,
        body: req.body && Object.keys(req.body).length > 0 ? req.body : undefined,
      },
    });
    next();
  }];
}

/**
 * Parses `Name: value` header options into an object, and returns a fetch that adds them to every request (card
 * fetches included); the SDKs accept a fetch implementation for both their card resolver and their transports.
 */
export function headerFetch(headerOptions = []) {
  const extra = {};
  for (const header of headerOptions) {
    const colon = header.indexOf(':');
    if (colon <= 0) {
      fail(`--header must be 'Name: value', got '${header}'`);
    }
    extra[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
  }
  const fetchWithHeaders = (input, init = {}) => {
    const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
    for (const [name, value] of Object.entries(extra)) {
      headers.set(name, value);
    }
    return fetch(input, { ...init, headers });
  };
  return { headers: extra, fetch: fetchWithHeaders };
}

/** The text of a message's parts, joined: 0.3 parts (`{kind:"text", text}`) or the 1.x SDK's internal parts. */
export function textOf(parts = []) {
  return parts
    .map((part) => part.text ?? (part.content?.$case === 'text' ? part.content.value : ''))
    .filter((text) => text)
    .join(' ');
}

/** Which behaviour a user's text asks for: the first keyword found as a whole word, in this order. */
export function behaviourOf(text) {
  for (const keyword of ['ask', 'slow', 'fail', 'message', 'stream', 'drop']) {
    if (new RegExp(`\\b${keyword}\\b`, 'i').test(text)) {
      return keyword;
    }
  }
  return 'echo';
}

/** The handoff extension of the orchestrator's docs/HANDOFF.md, declared by an agent that accepts handoffs. */
export function handoffExtension(context = 'transcript') {
  return {
    uri: 'urn:omniforge:a2a:handoff:v1',
    description: 'Accepts conversations handed off to it',
    required: false,
    params: { initiates: false, accepts: true, context, maxDepth: 3 },
  };
}

/** Resolves after ms, or at once when `wake()` of the returned handle is called. */
export function sleep(ms) {
  let wake;
  const promise = new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { promise, wake };
}

/**
 * The JSON line a client prints for an error: the SDK's error name and message, and what it kept of the server's
 * answer (the JSON-RPC error object, an HTTP status, a google.rpc reason), where it kept any.
 */
export function errorJson(error) {
  const rpc = error?.errorResponse?.error ?? error?.cause?.errorResponse?.error;
  const out = {
    name: error?.name ?? 'Error',
    message: error?.message ?? String(error),
  };
  if (rpc && typeof rpc === 'object') {
    out.code = rpc.code;
    out.rpcError = rpc;
  }
  if (typeof error?.code === 'number' && out.code === undefined) out.code = error.code;
  if (error?.reason !== undefined) out.reason = error.reason;
  if (error?.statusCode !== undefined) out.statusCode = error.statusCode;
  if (error?.cause && !rpc) out.cause = String(error.cause?.message ?? error.cause);
  return { error: out };
}

/**
 * Express middleware in front of an SDK's handler (behind an express.json() it shares with the SDK) that breaks the
 * connection of a streaming request whose body mentions the word `drop`, right after the first SSE event has been
 * written, as a network failure would: the agent's task goes on, and a client has to resubscribe to see its end. The
 * SDK's own app is otherwise untouched; a request without the word passes as it came.
 */
export function dropStreams() {
  return (req, res, next) => {
    const streaming = req.body?.method === 'message/stream' || req.path.endsWith('/message:stream');
    if (!streaming || !/\bdrop\b/i.test(JSON.stringify(req.body ?? {}))) {
      next();
      return;
    }
    const write = res.write.bind(res);
    let dropped = false;
    res.write = (chunk, ...rest) => {
      if (dropped) return true;
      if (!String(chunk).includes('data:')) return write(chunk, ...rest);
      dropped = true;
      return write(chunk, () => res.socket?.destroy());
    };
    res.end = () => res;
    next();
  };
}
