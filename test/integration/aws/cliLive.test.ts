import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClients } from '../../../shared/aws/clients.ts';
import { snapshotSchema } from '../../../shared/state/snapshotSchema.ts';
import { reportDifferences } from '../../support/expectReport.ts';
import { reportSchemaErrors } from '../../support/reportSchema.ts';
import { runCli } from '../../support/runCli.ts';
import { FIXTURES, seedCase } from './fixtureCase.ts';
import { MOTO_DEFAULT_ACCOUNT, useMotoServer } from './motoServer.ts';

/** The CLI's live mode, end to end in a child process against moto: `analyze` without --state, and `snapshot`. */
const moto = useMotoServer();

function eventFile(name: string, rewrite: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ar-live-'));
  const path = join(dir, 'event.json');
  writeFileSync(path, rewrite(readFileSync(join(FIXTURES, name, 'event.json'), 'utf8')));
  return path;
}

describe('access-remediator live mode', () => {
  beforeEach(async () => {
    await moto.server.reset();
  });

  it.each(['contract-example', 'kc001-cross-account-getobject-three-patches', 'kc003-scp-deny-s3'])(
    'analyze without --state reads %s live and gives the fixture verdict',
    async (name) => {
      const live = await seedCase(new AwsClients({ currentAccountId: MOTO_DEFAULT_ACCOUNT }), name);
      const run = runCli(['analyze', '--events', eventFile(name, live.rewrite), '--format', 'json']);
      expect(run.status).toBe(0);
      expect(run.lines).toHaveLength(1);
      expect(reportSchemaErrors(run.lines[0])).toEqual([]);
      const line = run.lines[0] as never;
      expect(reportDifferences(line, live.expected)).toEqual([]);
    },
  );

  it('snapshot --out writes a valid snapshot that analyze --state agrees with', async () => {
    const name = 'contract-example';
    const live = await seedCase(new AwsClients({ currentAccountId: MOTO_DEFAULT_ACCOUNT }), name);
    const dir = mkdtempSync(join(tmpdir(), 'ar-snap-'));
    const out = join(dir, 'state.json');
    const snap = runCli(['snapshot', '--out', out, '--accounts', '111122223333']);
    expect(snap.stderr).toContain('wrote');
    expect(snap.status).toBe(0);
    expect(snapshotSchema.safeParse(JSON.parse(readFileSync(out, 'utf8'))).success).toBe(true);
    const run = runCli(['analyze', '--events', eventFile(name, live.rewrite), '--state', out]);
    expect(run.status).toBe(0);
    expect(reportDifferences(run.lines[0] as never, live.expected)).toEqual([]);
  });
});
