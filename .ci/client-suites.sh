#!/usr/bin/env bash
# CI: the test doubles driven by independent clients (kcat, pymongo). ORDERSOURCE_CLIENT_SUITES
# adds the *.client-spec.ts suites to those projects' jest runs; a missing client then fails them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-clients.sh
export ORDERSOURCE_CLIENT_SUITES=1
npx jest -c libs/testing/kafka-broker/jest.config.js --testPathPatterns 'client-spec'
npx jest -c libs/testing/mongo-server/jest.config.js --testPathPatterns 'client-spec'
