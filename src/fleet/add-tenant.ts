import { renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Document, isMap, isSeq, parseDocument, YAMLSeq } from 'yaml';
import { HELM_YAML, parseFleet, parseHelmYaml } from '../config/fleet';
import { libraryYaml } from '../render/yaml-emit';
import { OidcMode } from '../config/choices';
import { InputError } from '../config/parse';

/** The fields `add-tenant` sets; everything else comes from the fleet's defaults. */
export interface NewTenant {
  readonly namespace: string;
  readonly release: string;
  readonly host: string;
  /** oidc.mode; written only when it differs from what the tenant gets without it (the fleet's defaults, else None). */
  readonly mode?: string;
  /** CustomConfig: a Secret of GF_AUTH_GENERIC_OAUTH_* keys. */
  readonly secretRef?: string;
}

/**
 * Appends a tenant to a fleet file's text and returns the new text. The new entry's lines are
 * spliced in after the last tenant, so every other byte of the file stays as it was: comments,
 * blank lines, flow or block style, quoting, indentation and line endings. The whole resulting
 * fleet is validated (schema, render checks, duplicates, collisions, hosts) before anything is
 * returned, so a refused tenant never reaches the file.
 */
export function appendTenant(text: string, file: string, tenant: NewTenant): string {
  // Read as the fleet loader does (YAML 1.1, like Helm).
  const doc = parseDocument(text, HELM_YAML);
  if (doc.errors.length > 0) throw new InputError([`${file}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`]);
  if (doc.contents !== null && !isMap(doc.contents)) throw new InputError([`${file}: not a fleet file (expected a mapping with tenants)`]);

  const existing = doc.get('tenants', true);
  if (existing !== undefined && existing !== null && !isSeq(existing) && (existing as { value?: unknown }).value !== null) {
    throw new InputError([`${file}: tenants: expected a list of tenants`]);
  }
  const tenants = isSeq(existing) ? existing : undefined;
  tenants?.items.forEach((item, index) => {
    const entry = (item as { toJSON?: () => unknown }).toJSON?.() as { namespace?: unknown; release?: unknown } | undefined;
    if (entry?.namespace === tenant.namespace && entry?.release === tenant.release) {
      throw new InputError([`${file}: tenant ${tenant.namespace}/${tenant.release} already exists at tenants[${index}]; edit that entry instead`]);
    }
  });

  const entry = newEntry(tenant, inheritedMode(doc.toJSON()));
  const spliced = tenants && !tenants.flow && tenants.items.length > 0 ? spliceAfterLast(text, tenants, entry) : undefined;
  const updated = spliced ?? rewritten(doc, tenants, text, entry);
  // Validated as the next load will read it: the whole new text, through the fleet loader.
  parseFleet(parseHelmYaml(updated, file), file);
  return updated;
}

/** The new entry's lines inserted after the last item of a block sequence, in the file's style. */
function spliceAfterLast(text: string, tenants: YAMLSeq, entry: Record<string, unknown>): string | undefined {
  const last = tenants.items[tenants.items.length - 1] as { range?: [number, number, number]; spaceBefore?: boolean };
  if (!last.range) return undefined;
  const lineStart = text.lastIndexOf('\n', last.range[0] - 1) + 1;
  const dash = /^([ \t]*)-([ \t]+)$/.exec(text.slice(lineStart, last.range[0]));
  if (!dash) return undefined; // e.g. `- # comment` then the entry on the next line: leave it to the rewrite
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  // After the line on which the last entry's value ends (a trailing comment on that line stays with it).
  const lineEnd = text.indexOf('\n', Math.max(last.range[1] - 1, lineStart));
  const at = lineEnd === -1 ? text.length : lineEnd + 1;
  const before = lineEnd === -1 ? `${text}${eol}` : text.slice(0, at);

  const itemIndent = ' '.repeat(dash[1].length + 1 + dash[2].length);
  const body = libraryYaml(entry).trimEnd().split('\n');
  const lines = body.map((line, i) => (i === 0 ? `${dash[1]}-${dash[2]}${line}` : `${itemIndent}${line}`));
  const added = `${last.spaceBefore ? eol : ''}${lines.join(eol)}${eol}`;
  return `${before}${added}${text.slice(at)}`;
}
/** A file without a block list of tenants yet (none, empty, `[]`): the document re-serialized. */
function rewritten(doc: Document, tenants: YAMLSeq | undefined, text: string, entry: Record<string, unknown>): string {
  if (doc.contents === null) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  const seq = tenants ?? new YAMLSeq();
  seq.flow = false;
  if (!tenants) doc.set('tenants', seq);
  seq.add(doc.createNode(entry));
  // Keep how the file indents its sequences ("tenants:\n- a" vs "tenants:\n  - a").
  return doc.toString({ lineWidth: 0, indentSeq: !/^-[ \t]/m.test(text) });
}

/** The mode a new tenant gets when its entry does not say: the fleet's defaults, else the schema's. */
function inheritedMode(fleet: unknown): string {
  const mode = (fleet as { defaults?: { oidc?: { mode?: unknown } } } | null)?.defaults?.oidc?.mode;
  return typeof mode === 'string' ? mode : OidcMode.NONE;
}

/** The entry's fields: only what the user gave and what differs from what it would inherit. */
function newEntry(tenant: NewTenant, inherited: string): Record<string, unknown> {
  const oidc: Record<string, unknown> = {};
  if (tenant.mode !== undefined && tenant.mode !== inherited) oidc.mode = tenant.mode;
  if (tenant.secretRef !== undefined) oidc.customConfig = { secretRef: { name: tenant.secretRef } };
  const entry: Record<string, unknown> = { namespace: tenant.namespace, release: tenant.release, host: tenant.host };
  if (Object.keys(oidc).length > 0) entry.oidc = oidc;
  return entry;
}

/** Replaces `file` in one step (temp file in the same folder, then rename), keeping its mode. */
export function writeFileAtomic(file: string, text: string): void {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  let mode: number | undefined;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    mode = undefined;
  }
  try {
    writeFileSync(temp, text, { mode });
    renameSync(temp, file);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
    throw e;
  }
}
