import {
  type Behaviour,
  type ScriptedRequest,
  type ScriptedServer,
  startScriptedServer,
} from "@hwsync/testkit/scripted-server";
import { afterAll, afterEach, beforeAll } from "vitest";

export interface ScriptedServerSession {
  /** The server's origin, `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** What it was asked since the test began. */
  readonly requests: ScriptedRequest[];
  readonly server: ScriptedServer;
  /** How the server answers in this test (reset to an empty 200 after each). */
  respond: Behaviour;
}

const idle: Behaviour = (_request, res) => res.end();

/** One scripted server for the whole file, its script and record reset after every test. */
export function useScriptedServer(): ScriptedServerSession {
  let server: ScriptedServer;
  const session = {
    respond: idle,
    get url() {
      return server.url;
    },
    get requests() {
      return server.requests;
    },
    get server() {
      return server;
    },
  };
  beforeAll(async () => {
    server = await startScriptedServer((request, res, index) => session.respond(request, res, index));
  });
  afterEach(() => {
    session.respond = idle;
    server.requests.length = 0;
    server.bytesSent = 0;
    server.cutShort = 0;
  });
  afterAll(() => server.close());
  return session;
}
