export { startMongoTestServer, type MongoTestServer, type MongoTestServerOptions } from './server';
