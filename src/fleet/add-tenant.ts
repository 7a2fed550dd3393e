import { renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Document, isMap, isSeq, parseDocument, YAMLSeq } from 'yaml';
import { HELM_YAML, parseFleet } from '../config/fleet';
import { InputError } from '../config/parse';

/** The fields `add-tenant` sets; everything else comes from the fleet's defaults. */
export interface NewTenant {
  readonly namespace: string;
  readonly release: string;
  readonly host: string;
  readonly mode: string;
  /** CustomConfig: a Secret of GF_AUTH_GENERIC_OAUTH_* keys. */
  readonly secretRef?: string;
}

/**
 * Appends a tenant to a fleet file's text and returns the new text. The YAML Document API
 * keeps every comment, blank line and quoting style of the rest of the file. The whole
 * resulting fleet is validated (schema, render checks, duplicates, clientId collisions, hosts)
 * before anything is returned, so a refused tenant never reaches the file.
 */
export function appendTenant(text: string, file: string, tenant: NewTenant): string {
  // Read as the fleet loader does (YAML 1.1, like Helm), so a new `on` or `yes` gets quoted.
  const doc = parseDocument(text, HELM_YAML);
  if (doc.errors.length > 0) throw new InputError([`${file}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`]);
  if (doc.contents !== null && !isMap(doc.contents)) throw new InputError([`${file}: not a fleet file (expected a mapping with tenants)`]);

  const tenants = tenantsSeq(doc, file);
  tenants.items.forEach((item, index) => {
    const entry = (item as { toJSON?: () => unknown }).toJSON?.() as { namespace?: unknown; release?: unknown } | undefined;
    if (entry?.namespace === tenant.namespace && entry?.release === tenant.release) {
      throw new InputError([`${file}: tenant ${tenant.namespace}/${tenant.release} already exists at tenants[${index}]; edit that entry instead`]);
    }
  });

  const node = doc.createNode(newEntry(tenant));
  // Match the file's style: entries separated by blank lines stay that way.
  const last = tenants.items[tenants.items.length - 1] as { spaceBefore?: boolean } | undefined;
  if (last?.spaceBefore) node.spaceBefore = true;
  tenants.add(node);

  parseFleet(doc.toJS(), file);
  // Keep how the file indents its sequences ("tenants:\n- a" vs "tenants:\n  - a").
  return doc.toString({ lineWidth: 0, indentSeq: !/^-[ \t]/m.test(text) });
}

function newEntry(tenant: NewTenant): Record<string, unknown> {
  const oidc: Record<string, unknown> = { mode: tenant.mode };
  if (tenant.secretRef !== undefined) oidc.customConfig = { secretRef: { name: tenant.secretRef } };
  return { namespace: tenant.namespace, release: tenant.release, host: tenant.host, oidc };
}

function tenantsSeq(doc: Document, file: string): YAMLSeq {
  if (doc.contents === null) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  const existing = doc.get('tenants', true);
  if (existing === undefined || existing === null || (existing as { value?: unknown }).value === null) {
    const seq = new YAMLSeq();
    doc.set('tenants', seq);
    return seq;
  }
  if (!isSeq(existing)) throw new InputError([`${file}: tenants: expected a list of tenants`]);
  return existing;
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
