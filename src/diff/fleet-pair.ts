import { readFileSync, statSync } from 'node:fs';
import { Fleet, fleetKeysOf, FleetTenant, parseFleet } from '../config/fleet';
import { readEntry, readFrame, splitTenants } from '../config/fleet-text';
import { FleetValuesParsers } from '../config/fleet-values';
import { gitShowFleet, loadSide, loadSideAtRef, Side } from './sides';

/** Where a side comes from: a fleet file or rendered folder, or a fleet file at a git ref. */
export interface SideSpec {
  readonly file: string;
  readonly ref?: string;
}

/**
 * Loads both sides of a diff. Two fleet files of a pull request differ in a few tenant entries:
 * the new side is read in full, and the old side reads only the entries whose text is not in
 * the new side, reusing the new side's (validated) tenant for every entry of the same text.
 * That holds only when the rest of both files (apiVersions, defaults, anything outside the
 * tenants list) is the same text and no entry's meaning depends on text outside it (see
 * {@link splitTenants}); otherwise, and whenever anything fails, both sides are read in full
 * exactly as a single side is, so every problem is reported as it always was. The old side's
 * fleet-wide checks (duplicates, collisions) still see every tenant.
 */
export function loadSidePair(oldSpec: SideSpec, newSpec: SideSpec): [Side, Side] {
  const full = (): [Side, Side] => [load(oldSpec), load(newSpec)];
  if (!isFleetFile(oldSpec) || !isFleetFile(newSpec)) return full();
  try {
    const fleets = readPair(readText(oldSpec), label(oldSpec), readText(newSpec), label(newSpec));
    if (fleets === undefined) return full();
    return [
      { label: label(oldSpec), fleet: fleets.old },
      { label: label(newSpec), fleet: fleets.new },
    ];
  } catch {
    return full();
  }
}

/**
 * Both fleets from their texts, the old one reading only the entries the new one lacks; or
 * undefined when the texts do not allow it. Throws whatever reading the new side throws.
 */
export function readPair(oldText: string, oldLabel: string, newText: string, newLabel: string): { old: Fleet; new: Fleet } | undefined {
  const pair = readPairEntries(oldText, oldLabel, newText, newLabel);
  return pair === undefined ? undefined : checkPair(pair, oldLabel, newLabel);
}

/**
 * Both fleets of a pair's entries, each tenant checked once: the new side in full, then the old
 * side taking the new side's tenant for every entry they share, its own entries parsed by the
 * same values parser (both have the same defaults), so fields they write alike are parsed once
 * and their outputs are the same objects on both sides. The old side's fleet-wide checks compare
 * only the pairs with one of its own tenants: the others passed together on the new side.
 * Throws what the first failing side throws.
 */
export function checkPair(pair: PairEntries, oldLabel: string, newLabel: string): { old: Fleet; new: Fleet } {
  const parsers = new FleetValuesParsers();
  const newFleet = parseFleet({ ...pair.frame, tenants: pair.newEntries }, newLabel, { parsers, keepKeys: true });
  const known = tenantsByEntry(newFleet, pair.newEntries);
  return { old: parseFleet({ ...pair.frame, tenants: pair.oldEntries }, oldLabel, { known, knownKeys: fleetKeysOf(newFleet), parsers }), new: newFleet };
}

/** The entries of two fleet files, read but not checked yet: see {@link readPairEntries}. */
export interface PairEntries {
  /** Both files without their entries (the same text on both sides): `tenants` is null. */
  readonly frame: Record<string, unknown>;
  readonly newEntries: readonly unknown[];
  /** The old side's entries: the new side's value (the same object) wherever the text is the same. */
  readonly oldEntries: readonly unknown[];
  /** Entries of each side whose text the other side lacks. */
  readonly newOnly: ReadonlySet<unknown>;
  readonly oldOnly: ReadonlySet<unknown>;
}

/**
 * The values of both files' entries, each entry of the same text read once; or undefined when
 * the texts do not allow reading them apart (see {@link splitTenants}).
 */
export function readPairEntries(oldText: string, oldLabel: string, newText: string, newLabel: string): PairEntries | undefined {
  const oldSplit = splitTenants(oldText);
  const newSplit = oldSplit && splitTenants(newText);
  if (oldSplit === undefined || newSplit === undefined) return undefined;
  if (oldSplit.prefix !== newSplit.prefix || oldSplit.suffix !== newSplit.suffix) return undefined;
  // The file around the list (apiVersions, defaults) is read as a whole, and each entry on its
  // own: the splitter made sure that an entry's value depends on its own text only.
  const frame = readFrame(newSplit, newLabel);
  if (frame === undefined) return undefined;
  const newEntries = newSplit.entries.map((text) => readEntry(text, newSplit.indent, newLabel));
  if (newEntries.includes(undefined)) return undefined;
  const byText = new Map<string, number>();
  newSplit.entries.forEach((text, i) => byText.set(text, i));
  const oldOnly = new Set<unknown>();
  const oldEntries = oldSplit.entries.map((text) => {
    const at = byText.get(text);
    if (at !== undefined) return newEntries[at];
    const entry = readEntry(text, oldSplit.indent, oldLabel);
    oldOnly.add(entry);
    return entry;
  });
  if (oldEntries.includes(undefined)) return undefined;
  const oldTexts = new Set(oldSplit.entries);
  const newOnly = new Set(newEntries.filter((_, i) => !oldTexts.has(newSplit.entries[i])));
  return { frame, newEntries, oldEntries, newOnly, oldOnly };
}

/** Each entry object of `entries` that became a tenant of `fleet`, to that tenant (parseFleet's `known`). */
export function tenantsByEntry(fleet: Fleet, entries: readonly unknown[], into = new Map<unknown, FleetTenant>()): Map<unknown, FleetTenant> {
  for (const t of fleet.tenants) into.set(entries[t.index], t);
  return into;
}

export function isFleetFile(spec: SideSpec): boolean {
  if (spec.ref !== undefined) return true;
  if (spec.file === '-') return false;
  try {
    return statSync(spec.file).isFile();
  } catch {
    return false;
  }
}

export function readText(spec: SideSpec): string {
  if (spec.ref !== undefined) return gitShowFleet(spec.ref, spec.file);
  return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(spec.file));
}

export function label(spec: SideSpec): string {
  return spec.ref !== undefined ? `${spec.ref}:${spec.file}` : spec.file;
}

function load(spec: SideSpec): Side {
  return spec.ref !== undefined ? loadSideAtRef(spec.ref, spec.file) : loadSide(spec.file);
}
