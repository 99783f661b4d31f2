export * from './export-format';
export { exportLog, type ExportOptions, type ExportProgress, type ExportSummary } from './export-log';
export { verifyExport, type BrokenExport, type ExportVerification, type VerifyOptions, type VerifyProgress } from './verify-export';
export { RestoreRefusedError, restoreExport, type RestoreOptions, type RestoreSummary } from './restore-export';
export { RepairRefusedError, repairStream, type RepairOptions, type RepairRecord, type RepairResult } from './repair-stream';
export { PostgresRepairLog, type RepairLog } from './repair-log';
