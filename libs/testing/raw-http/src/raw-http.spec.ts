import { Server, createServer } from 'node:net';
import { rawRequest } from './index';

/** A TCP server that answers every connection with the bytes given, as a service would. */
async function serve(answer: string, closeAfter: boolean): Promise<{ url: string; received: string[]; server: Server }> {
  const received: string[] = [];
  const server = createServer((socket) => {
    socket.once('data', (data) => {
      received.push(data.toString('latin1'));
      socket.write(answer);
      if (closeAfter) socket.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, received, server };
}

describe('rawRequest', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
  });

  it('sends the bytes as given and reads a kept-alive answer by its Content-Length', async () => {
    const fake = await serve('HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\nContent-Length: 2\r\n\r\n{}', false);
    servers.push(fake.server);
    const answer = await rawRequest(fake.url, 'GET /%ZZ HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(fake.received).toEqual(['GET /%ZZ HTTP/1.1\r\nHost: x\r\n\r\n']);
    expect(answer).toEqual({ status: 400, headers: { 'content-type': 'application/problem+json', 'content-length': '2' }, body: '{}', closed: false });
  });

  it('waits for the close of an answer that says Connection: close', async () => {
    const fake = await serve('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', true);
    servers.push(fake.server);
    const answer = await rawRequest(fake.url, 'GET / HTTP/1.1\r\n\r\n');
    expect([answer.status, answer.headers.connection, answer.closed]).toEqual([431, 'close', true]);
  });

  it('fails, showing what it read, when the socket closes before a whole answer', async () => {
    const fake = await serve('HTTP/1.1 200 OK\r\nContent-Len', true);
    servers.push(fake.server);
    await expect(rawRequest(fake.url, 'GET / HTTP/1.1\r\n\r\n')).rejects.toThrow('no answer before close: "HTTP/1.1 200 OK\\r\\nContent-Len"');
  });
});
