/**
 * `npm run audit:verify`: recomputes the audit trail's hash chain of the configured server
 * (DATA_DIR, DATABASE_URL) and says whether it is whole or names the first entry that does not
 * fit. Exit code 0 when whole, 1 when broken. See src/server/services/audit.ts.
 */
import { readConfig } from '../src/server/config';
import { chainVerdict, verifyAuditChain } from '../src/server/services/audit';
import { openDatabase } from '../src/server/storage/database';

const config = readConfig();
const storage = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
try {
  const report = await verifyAuditChain(storage.db);
  console.log(chainVerdict(report));
  process.exitCode = report.whole ? 0 : 1;
} catch (error) {
  console.error(`无法核验操作记录 (could not verify): ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
} finally {
  await storage.close();
}
