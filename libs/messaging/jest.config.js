const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'messaging',
  rootDir: __dirname,
  // The soak runs only when asked for (ORDERSOURCE_SOAK_MS, CI's real-Kafka script).
  testPathIgnorePatterns: ['/node_modules/', ...(process.env.ORDERSOURCE_SOAK_MS ? [] : ['-soak\\.int-spec\\.ts$'])],
};
