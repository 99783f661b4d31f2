module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'testing-kafka-broker',
  rootDir: __dirname,
};
