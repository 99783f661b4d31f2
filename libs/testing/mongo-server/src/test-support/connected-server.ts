import { MongoClient, type MongoClientOptions } from 'mongodb';
import { startMongoTestServer, type MongoTestServer } from '../server';

export interface ConnectedServer {
  server: MongoTestServer;
  client: MongoClient;
  /** Opens another client on the same server; closed by `close()`. */
  newClient(options?: MongoClientOptions): Promise<MongoClient>;
  close(): Promise<void>;
}

/** A fresh server and a connected real driver client, for one suite. */
export async function connectedServer(): Promise<ConnectedServer> {
  const server = await startMongoTestServer();
  const clients: MongoClient[] = [];
  const newClient = async (options: MongoClientOptions = {}) => {
    const client = new MongoClient(server.url, { serverSelectionTimeoutMS: 5000, ...options });
    clients.push(client);
    return client.connect();
  };
  const client = await newClient();
  return {
    server,
    client,
    newClient,
    close: async () => {
      await Promise.all(clients.map((each) => each.close()));
      await server.stop();
    },
  };
}
