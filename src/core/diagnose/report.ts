/** The diagnosis as one readable page (markdown for the preview) or plain text (for a support ticket). */
import { t } from '../l10n';
import type { Check, Diagnosis } from './types';

export interface ReportOptions {
  readonly markdown: boolean;
  /** Twelve-digit AWS account ids (in ARNs, owner ids) replaced by asterisks. */
  readonly maskAccountIds?: boolean;
  readonly region?: string;
  readonly generatedAt?: Date;
}

const accountId = /(?<!\d)\d{12}(?!\d)/g;

export function maskAccountIds(text: string): string {
  return text.replace(accountId, '************');
}

function mark(status: Check['status'], markdown: boolean): string {
  if (markdown) return status === 'pass' ? '✅' : status === 'fail' ? '❌' : '❔';
  return status === 'pass' ? '[PASS]' : status === 'fail' ? '[FAIL]' : '[UNKNOWN]';
}

function statusWord(status: Check['status']): string {
  return status === 'pass' ? t('pass') : status === 'fail' ? t('fail') : t('unknown');
}

function fixLines(c: Check, markdown: boolean): string[] {
  const f = c.fix;
  if (!f) return [];
  if (f.kind === 'link') return [t('Fix: Link them (the RDS Link command "Link EC2 Instance to RDS Database").')];
  if (f.kind === 'pointConfig') return [t('Fix: Point the config at RDS (the quick-fix in {0}).', f.fileName)];
  if (f.kind === 'createSchema') return [t('Fix: Create the database (the RDS Link command "Create Database (Schema)…" with the name {0}).', f.name)];
  if (f.kind === 'text') return [t('Fix: {0}', f.message)];
  const rule = t('Fix, shown and not applied (a network ACL is shared by its subnets): add {0} rule {1} to {2}, allow TCP {3}–{4} {5} {6}.', f.egress ? t('outbound') : t('inbound'), f.ruleNumber, f.aclId, f.fromPort, f.toPort, f.egress ? t('to') : t('from'), f.cidr);
  return markdown ? [rule, '', '```sh', f.cli, '```'] : [rule, `  ${f.cli}`];
}

/** The report's last line: what this diagnosis did not look at. */
function notYet(d: Diagnosis): string | undefined {
  const has = (id: Check['id']): boolean => d.checks.some((c) => c.id === id);
  const missing: string[] = [];
  if (!has('liveTcp')) missing.push(t('the live checks from the instance over SSH (name resolution, the TCP connection, the MySQL greeting)'));
  if (!has('appConfig')) missing.push(t('the app\'s config in the workspace'));
  if (!has('dbExists')) missing.push(t('whether the app\'s database exists on the server (SHOW DATABASES)'));
  if (!has('reachability')) missing.push(t('VPC Reachability Analyzer (on request: AWS charges for it)'));
  return missing.length ? t('Not checked yet: {0}.', missing.join('; ')) : undefined;
}

export function formatReport(d: Diagnosis, options: ReportOptions): string {
  const md = options.markdown;
  const lines: string[] = [];
  const head = t('Why can\'t the app reach the database? {0} → {1}', d.instanceId, d.dbId);
  lines.push(md ? `# ${head}` : head, '');
  lines.push(t('Overall: {0}', statusWord(d.status)) + (options.region ? ` · ${options.region}` : '') + (options.generatedAt ? ` · ${options.generatedAt.toISOString()}` : ''), '');
  for (const c of d.checks) {
    lines.push(md ? `## ${mark(c.status, true)} ${c.title}` : `${mark(c.status, false)} ${c.title}`);
    if (md) lines.push('');
    for (const e of c.evidence) lines.push(md ? `- ${e}` : `  - ${e}`);
    const fix = fixLines(c, md);
    if (fix.length) {
      if (md) lines.push('');
      lines.push(...(md ? fix : fix.map((x) => `  ${x}`)));
    }
    lines.push('');
  }
  const rest = notYet(d);
  if (rest) lines.push(rest);
  const text = lines.join('\n') + '\n';
  return options.maskAccountIds ? maskAccountIds(text) : text;
}
