export { parseImportLine, LineRejection, importCommands, MAX_STEPS, type ImportLine, type ImportStep, type ImportCommand } from './import-line';
export { decideHistory, type HistoryContext } from './order-history';
export { ndjsonLines, ImportTooLargeError, MAX_LINE_BYTES, type NdjsonLine } from './ndjson-lines';
export { OrderImporter, type HistorySealer, type ImportProgress, type ImportRun, type ImportSummary, type OrderImporterOptions, type Rejection } from './order-importer';
export { importDigestKey } from './digest-key';
