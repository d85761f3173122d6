import { connect, createServer, type Server, type Socket } from "node:net";

// A TCP relay in front of the region that counts what reaches the client: the download figures
// are then what crossed the wire for a real curl, headers included, whatever curl decoded.

export interface ByteProxy {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Bytes sent to clients since the last reset. */
  bytesToClient(): number;
  reset(): void;
  close(): Promise<void>;
}

export async function startByteProxy(target: string): Promise<ByteProxy> {
  const { hostname, port } = new URL(target);
  let counted = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    upstream.on("data", (chunk: Buffer) => {
      counted += chunk.length;
    });
    client.pipe(upstream).pipe(client);
    const done = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", done).on("close", done);
    upstream.on("error", done).on("close", done);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const listening = typeof address === "object" && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${listening}`,
    bytesToClient: () => counted,
    reset: () => {
      counted = 0;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
