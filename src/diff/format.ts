import { Counts, DiffReport, ObjectChange } from './compare';

export const OUTPUT_FORMATS = ['text', 'markdown', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** GitHub refuses comments over 65,536 characters; stop adding object diffs well before. */
const MARKDOWN_BUDGET = 60_000;
/** Rows of the per-tenant table in markdown; a defaults change can touch every tenant. */
const MARKDOWN_TENANT_ROWS = 50;

export function formatReport(report: DiffReport, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'markdown':
      return formatMarkdown(report);
    default:
      return formatText(report);
  }
}

function summaryLine(report: DiffReport): string {
  const { added, removed, changed } = report.total;
  const tenants = Object.keys(report.byTenant).length;
  if (report.changes.length === 0) return `No changes (${report.unchanged} objects unchanged).`;
  return `${added} added, ${removed} removed, ${changed} changed in ${tenants} tenant${tenants === 1 ? '' : 's'} (${report.unchanged} objects unchanged).`;
}

function objectTitle(c: ObjectChange): string {
  const where = c.namespace ? `${c.namespace}/${c.name}` : c.name;
  return `${c.change} ${c.kind} ${where} (${c.apiVersion})`;
}

export function formatText(report: DiffReport): string {
  const lines = [`diff ${report.old} -> ${report.new}`, summaryLine(report)];
  if (report.changes.length > 0) {
    lines.push('', 'By kind:', ...countRows(report.byKind).map((r) => `  ${r}`));
    lines.push('', 'By tenant:', ...countRows(report.byTenant).map((r) => `  ${r}`));
    for (const c of report.changes) {
      lines.push('', `${objectTitle(c)} [tenant ${c.tenant}]`, `--- ${report.old}`, `+++ ${report.new}`, ...c.diff);
    }
  }
  return `${lines.join('\n')}\n`;
}

function countRows(counts: Readonly<Record<string, Counts>>): string[] {
  const names = Object.keys(counts);
  const width = Math.max(...names.map((n) => n.length));
  return names.map((n) => `${n.padEnd(width)}  +${counts[n].added} -${counts[n].removed} ~${counts[n].changed}`);
}

/** A pull-request comment: summary tables, then one collapsed section per object. */
export function formatMarkdown(report: DiffReport): string {
  const out: string[] = [`### grafana-tenancy diff`, '', `\`${escapeCode(report.old)}\` → \`${escapeCode(report.new)}\`: ${summaryLine(report)}`];
  if (report.changes.length === 0) return `${out.join('\n')}\n`;

  out.push('', '| Kind | Added | Removed | Changed |', '| --- | ---: | ---: | ---: |');
  for (const [kind, c] of Object.entries(report.byKind)) out.push(`| ${escapeCell(kind)} | ${c.added} | ${c.removed} | ${c.changed} |`);

  const tenants = Object.entries(report.byTenant);
  out.push('', '| Tenant | Added | Removed | Changed |', '| --- | ---: | ---: | ---: |');
  for (const [tenant, c] of tenants.slice(0, MARKDOWN_TENANT_ROWS)) out.push(`| ${escapeCell(tenant)} | ${c.added} | ${c.removed} | ${c.changed} |`);
  if (tenants.length > MARKDOWN_TENANT_ROWS) out.push('', `…and ${tenants.length - MARKDOWN_TENANT_ROWS} more tenants.`);
  out.push('');

  let size = out.join('\n').length;
  let shown = 0;
  for (const c of report.changes) {
    const fence = c.diff.some((l) => l.includes('```')) ? '~~~~' : '```';
    const section = [
      `<details><summary>${escapeHtml(objectTitle(c))} — tenant ${escapeHtml(c.tenant)}</summary>`,
      '',
      `${fence}diff`,
      ...c.diff,
      fence,
      '</details>',
    ].join('\n');
    if (size + section.length > MARKDOWN_BUDGET) break;
    out.push(section);
    size += section.length + 1;
    shown++;
  }
  if (shown < report.changes.length) {
    out.push('', `${report.changes.length - shown} more object diffs left out to fit a comment; run \`grafana-tenancy diff\` locally for all of them.`);
  }
  return `${out.join('\n')}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeCell(text: string): string {
  return escapeHtml(text).replace(/\|/g, '\\|');
}

function escapeCode(text: string): string {
  return text.replace(/`/g, "'");
}
