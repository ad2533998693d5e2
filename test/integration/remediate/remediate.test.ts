import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Patch, ReportLine } from '../../../shared/report/types.ts';
import { ROOT, runCli } from '../../support/runCli.ts';

/** The whole remediation pipeline on the embedded default, through the built CLI in a child process. */
const CASE = join(ROOT, 'test/fixtures/kc000-putobject-missing-generatedatakey');
const EVENT = join(CASE, 'event.json');
const CONFIG = join(__dirname, 'fixtures/auto-apply-config.json');
const EVENT_ID = 'f5dca2cd-d0b2-4153-929c-5b5dd559960e';
const ROLE = 'arn:aws:iam::111122223333:role/invoice-uploader';

interface Workspace {
  dir: string;
  state: string;
  audit: string;
}

function workspace(stateFile = join(CASE, 'state.json')): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'ar-remediate-'));
  const state = join(dir, 'state.json');
  copyFileSync(stateFile, state);
  return { dir, state, audit: join(dir, 'audit.jsonl') };
}

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const jsonLines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));

function inlinePolicies(state: string): { PolicyName: string; PolicyDocument: unknown }[] {
  const role = json(state).accounts['111122223333'].iam.RoleDetailList.find(
    (r: { Arn: string }) => r.Arn === ROLE,
  );
  return role.RolePolicyList;
}

function remediate(w: Workspace, extra: string[] = []) {
  return runCli(['remediate', '--events', EVENT, '--state', w.state, '--audit', w.audit, ...extra]);
}

describe('remediate with auto-apply', () => {
  const w = workspace();
  // `analyze` reads the decision configuration only (its schema has no "remediation" member yet).
  const { remediation: _settings, ...decision } = json(CONFIG);
  const analyzeConfig = join(w.dir, 'analyze-config.json');
  writeFileSync(analyzeConfig, JSON.stringify(decision));
  const expected = runCli([
    'analyze',
    '--events',
    EVENT,
    '--state',
    join(CASE, 'state.json'),
    '--config',
    analyzeConfig,
  ]).lines[0] as unknown as ReportLine;
  const first = remediate(w, ['--config', CONFIG]);

  it('the analysis it acts on is an auto-apply', () => {
    expect(expected.decision).toBe('auto-apply');
    expect(expected.patches).toHaveLength(1);
  });

  it('prints one line with the audit outcome and writes exactly the proven statement into the snapshot', () => {
    expect(first.status).toBe(0);
    expect(first.lines).toHaveLength(1);
    expect(first.lines[0]).toMatchObject({
      eventId: EVENT_ID,
      auditId: EVENT_ID,
      handling: 'recorded',
      outcome: 'applied',
    });
    const patch = expected.patches[0] as Patch;
    const written = inlinePolicies(w.state).find((p) => p.PolicyName === 'access-remediator');
    expect(written?.PolicyDocument).toEqual(patch.after);
    // Everything else in the snapshot is as it was.
    const rest = json(w.state);
    const role = rest.accounts['111122223333'].iam.RoleDetailList[0];
    role.RolePolicyList = role.RolePolicyList.filter(
      (p: { PolicyName: string }) => p.PolicyName !== 'access-remediator',
    );
    expect(rest).toEqual(json(join(CASE, 'state.json')));
  });

  it('keeps the audit record with before- and after-images, the versions in order', () => {
    const versions = jsonLines(w.audit);
    expect(versions.map((v) => v.outcome)).toEqual(['applying', 'applied']);
    expect(versions[0].patches[0].before).toBeNull();
    expect(versions[0].patches[0].after).toEqual(expected.patches[0]!.after);
    expect(versions[1]).toMatchObject({
      actor: 'access-remediator',
      verdict: 'missing-allow',
      decision: 'auto-apply',
    });
  });

  it('a duplicate event changes nothing', () => {
    const state = readFileSync(w.state, 'utf8');
    const audit = readFileSync(w.audit, 'utf8');
    const again = remediate(w, ['--config', CONFIG]);
    expect(again.status).toBe(0);
    expect(again.lines[0]).toMatchObject({ handling: 'duplicate', outcome: 'applied' });
    expect(readFileSync(w.state, 'utf8')).toBe(state);
    expect(readFileSync(w.audit, 'utf8')).toBe(audit);
  });

  it('audit list and show read the trail, with filters', () => {
    const all = runCli(['audit', 'list', '--audit', w.audit]);
    expect(all.status).toBe(0);
    expect(all.lines.map((r) => r.auditId)).toEqual([EVENT_ID]);
    for (const filter of [
      ['--verdict', 'missing-allow'],
      ['--decision', 'auto-apply'],
      ['--account', '111122223333'],
      ['--principal', '*invoice-uploader'],
      ['--since', '1h'],
    ])
      expect(runCli(['audit', 'list', '--audit', w.audit, ...filter]).lines).toHaveLength(1);
    for (const filter of [
      ['--verdict', 'explicit-deny'],
      ['--account', '444455556666'],
      ['--until', '2000-01-01T00:00:00Z'],
    ])
      expect(runCli(['audit', 'list', '--audit', w.audit, ...filter]).lines).toHaveLength(0);
    const show = runCli(['audit', 'show', EVENT_ID, '--audit', w.audit]);
    expect(show.lines[0]).toMatchObject({ auditId: EVENT_ID, outcome: 'applied' });
    const text = runCli(['audit', 'show', EVENT_ID, '--audit', w.audit, '--format', 'text']);
    expect(text.stdout).toContain('+      "Action": "kms:GenerateDataKey",');
  });

  it('rollback restores the before-image and links the records', () => {
    const rolled = runCli([
      'rollback',
      EVENT_ID,
      '--state',
      w.state,
      '--audit',
      w.audit,
      '--actor',
      'alice',
      '--format',
      'json',
    ]);
    expect(rolled.status).toBe(0);
    expect(rolled.lines[0]).toMatchObject({ ok: true, auditId: EVENT_ID, outcome: 'rolled-back' });
    expect(json(w.state)).toEqual(json(join(CASE, 'state.json')));
    const rollbackId = rolled.lines[0]!.rollbackAuditId as string;
    const original = runCli(['audit', 'show', EVENT_ID, '--audit', w.audit]).lines[0];
    const rollbackRecord = runCli(['audit', 'show', rollbackId, '--audit', w.audit]).lines[0];
    expect(original).toMatchObject({ outcome: 'rolled-back', rolledBackBy: rollbackId });
    expect(rollbackRecord).toMatchObject({ outcome: 'rolled-back', rollbackOf: EVENT_ID, actor: 'alice' });
    expect(readdirSync(w.dir).sort()).toEqual([
      'analyze-config.json',
      'audit.jsonl',
      'audit.storms.jsonl',
      'state.json',
    ]);
  });
});

describe('rollback after drift', () => {
  it('refuses with a diff and changes nothing', () => {
    const w = workspace();
    expect(remediate(w, ['--config', CONFIG]).lines[0]).toMatchObject({ outcome: 'applied' });
    const snapshot = json(w.state);
    const role = snapshot.accounts['111122223333'].iam.RoleDetailList[0];
    const ours = role.RolePolicyList.find(
      (p: { PolicyName: string }) => p.PolicyName === 'access-remediator',
    );
    ours.PolicyDocument.Statement[0].Action = ['kms:GenerateDataKey', 'kms:Decrypt'];
    writeFileSync(w.state, JSON.stringify(snapshot, null, 2));
    const before = readFileSync(w.state, 'utf8');

    const refused = runCli([
      'rollback',
      EVENT_ID,
      '--state',
      w.state,
      '--audit',
      w.audit,
      '--format',
      'text',
    ]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('REFUSED');
    expect(refused.stdout).toMatch(/changed since .* was applied/);
    expect(refused.stdout).toMatch(/^\+\s+"kms:Decrypt"/m);
    expect(readFileSync(w.state, 'utf8')).toBe(before);
    expect(runCli(['audit', 'show', EVENT_ID, '--audit', w.audit]).lines[0]).toMatchObject({
      outcome: 'applied',
    });
  });
});

describe('remediate with the default configuration', () => {
  it('proposes instead of applying, and the proposal goes to the outbox', () => {
    const w = workspace();
    const proposals = join(w.dir, 'proposals.jsonl');
    const before = readFileSync(w.state, 'utf8');
    const run = remediate(w, ['--proposals', proposals]);
    expect(run.status).toBe(0);
    expect(run.lines[0]).toMatchObject({ outcome: 'proposed', decision: 'needs-approval' });
    expect(readFileSync(w.state, 'utf8')).toBe(before);
    const sent = jsonLines(proposals);
    expect(sent).toHaveLength(1);
    expect(sent[0].record).toMatchObject({ auditId: EVENT_ID, outcome: 'proposed' });
    expect(sent[0].record.patches[0].target.arn).toBe(ROLE);
  });

  it('handles every event of the embedded example: one line each, every verdict, nothing applied', () => {
    const w = workspace(join(ROOT, 'examples/state.json'));
    const before = readFileSync(w.state, 'utf8');
    const run = runCli([
      'remediate',
      '--events',
      join(ROOT, 'examples/events'),
      join(ROOT, 'examples/bad-input'),
      '--state',
      w.state,
      '--audit',
      w.audit,
      '--proposals',
      join(w.dir, 'proposals.jsonl'),
    ]);
    const analyzed = runCli([
      'analyze',
      '--events',
      join(ROOT, 'examples/events'),
      join(ROOT, 'examples/bad-input'),
      '--state',
      w.state,
    ]);
    expect(run.status).toBe(analyzed.status);
    expect(run.lines).toHaveLength(analyzed.lines.length);
    for (const [i, line] of run.lines.entries()) {
      expect(line.eventId).toBe(analyzed.lines[i]!.eventId);
      expect(['proposed', 'escalated', 'ignored']).toContain(line.outcome);
      if (line.handling === 'recorded') expect(line.verdict).toBe(analyzed.lines[i]!.verdict);
    }
    expect(readFileSync(w.state, 'utf8')).toBe(before);
  });
});

describe('remediation command lines', () => {
  it.each([
    [['remediate', '--events', EVENT], /--state is required for remediate/],
    [['rollback', '--state', 'x.json'], /rollback needs an audit id/],
    [['audit'], /audit needs "list" or "show <audit-id>"/],
    [['audit', 'list', '--verdict', 'maybe'], /--verdict must be one of/],
    [
      ['audit', 'list', '--audit', '/nonexistent/audit.jsonl'],
      /audit trail \/nonexistent\/audit.jsonl does not exist/,
    ],
  ])('%j is a usage error (exit 2)', (args, message) => {
    const run = runCli(args);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });

  it('audit show of an unknown id exits 1', () => {
    const w = workspace();
    remediate(w);
    const run = runCli(['audit', 'show', 'nope', '--audit', w.audit]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/no audit record nope/);
  });

  it('the usage text lists the new commands', () => {
    const help = runCli(['--help']);
    for (const command of ['remediate', 'rollback <audit-id>', 'audit list', 'audit show'])
      expect(help.stdout).toContain(command);
    expect(existsSync(CONFIG)).toBe(true);
  });
});
