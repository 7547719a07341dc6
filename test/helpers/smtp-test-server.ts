// A real SMTP server (smtp-server) on 127.0.0.1 for tests: keeps every message it reads, can refuse or drop.
import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface TestServer {
  port: number;
  /** Whole messages the server read (also those it then refused or dropped). */
  received: Buffer[];
  /** How each session that delivered a message was secured and authenticated. */
  sessions: Array<{ secure: boolean; user: string | undefined }>;
  authMethods: string[];
  sockets: Set<Socket>;
  close(): Promise<void>;
}

export type ServerOptions = Partial<SMTPServerOptions> & {
  /** The one login the server accepts (default: none configured, every AUTH fails). */
  login?: { user: string; password: string };
  /** Answers a message once it is read in full (default: 250). */
  afterData?: (server: TestServer, callback: (err?: Error | null) => void) => void;
};

/** An SMTP server on an ephemeral port that keeps every message it reads. */
export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const { afterData, login, ...serverOptions } = options;
  const state: TestServer = {
    port: 0,
    received: [],
    sessions: [],
    authMethods: [],
    sockets: new Set(),
    close: () => Promise.resolve(),
  };
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    closeTimeout: 500,
    onAuth(auth, _session, callback) {
      state.authMethods.push(auth.method);
      if (login !== undefined && auth.username === login.user && auth.password === login.password)
        return callback(null, { user: auth.username });
      callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        state.received.push(Buffer.concat(chunks));
        state.sessions.push({ secure: session.secure, user: session.user as string | undefined });
        if (afterData) afterData(state, callback);
        else callback();
      });
    },
    ...serverOptions,
  });
  // The raw sockets, so that a test can drop a connection the way a crashing server would.
  const net = (server as unknown as { server: import('node:net').Server }).server;
  net.on('connection', (socket: Socket) => {
    state.sockets.add(socket);
    socket.on('close', () => state.sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  state.port = (net.address() as AddressInfo).port;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
