/*
 * The chart quotes values in failure messages with Go's printf %q (strconv.Quote); the CLI must
 * print the same bytes, including for characters a user cannot see.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goQuote } from '../../src/config/go-quote';
import { message } from '../../src/config/messages';
import { KUBE_VERSION, requireTools, runHelm } from '../chart/renderers';

describe('goQuote', () => {
  test.each([
    ['plain text', 'acme.example.org', '"acme.example.org"'],
    ['quotes and backslashes', 'a "b" \\ c', '"a \\"b\\" \\\\ c"'],
    ['printable Unicode', 'bücher 日本 😀', '"bücher 日本 😀"'],
    ['the short escapes', '\x07\b\f\n\r\t\v', '"\\a\\b\\f\\n\\r\\t\\v"'],
    ['other C0 controls and DEL as \\x', '\x01\x1b\x7f', '"\\x01\\x1b\\x7f"'],
    ['a no-break space', 'a\u00a0b', '"a\\u00a0b"'],
    ['a zero-width space, a BOM and a line separator', '\u200b\ufeff\u2028', '"\\u200b\\ufeff\\u2028"'],
    ['a C1 control', '\u0085', '"\\u0085"'],
    ['a private-use character', '\ue000', '"\\ue000"'],
    ['an unprintable character outside the BMP', '\u{e0001}', '"\\U000e0001"'],
    ['a character newer than Go\'s Unicode tables', '\u{1c89}', '"\\u1c89"'],
  ])('GIVEN %s WHEN quoted THEN it is written as Go writes it', (_name, value, quoted) => {
    expect(goQuote(value)).toBe(quoted);
  });

  test('GIVEN a catalogue message with %q WHEN the value holds a no-break space THEN the message shows it escaped', () => {
    expect(message('hostInvalid', 'acme.example.org\u00a0')).toMatch(/^host "acme\.example\.org\\u00a0" is not a DNS name/);
  });
});

describe('goQuote against Helm', () => {
  beforeAll(() => requireTools());

  test('GIVEN every Unicode code point WHEN Helm and goQuote quote them THEN the output is byte-identical', async () => {
    // GIVEN a chart that prints printf "%q" of a value, and a value holding every scalar value
    // (surrogates cannot be written in YAML), each escaped in the values file so the file stays valid
    const dir = mkdtempSync(join(tmpdir(), 'grafana-tenancy-go-quote-'));
    mkdirSync(join(dir, 'quote', 'templates'), { recursive: true });
    writeFileSync(join(dir, 'quote', 'Chart.yaml'), 'apiVersion: v2\nname: quote\nversion: 0.1.0\n');
    writeFileSync(join(dir, 'quote', 'templates', 'out.yaml'), 'quoted: {{ printf "%q" .Values.s | b64enc }}\n');
    let all = '';
    let escaped = '';
    for (let cp = 0; cp < 0x110000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      all += String.fromCodePoint(cp);
      escaped += `\\U${cp.toString(16).padStart(8, '0')}`;
    }
    writeFileSync(join(dir, 'values.yaml'), `s: "${escaped}"\n`);
    // WHEN Helm renders it
    const r = await runHelm(['template', 'r', join(dir, 'quote'), '--kube-version', KUBE_VERSION, '-f', join(dir, 'values.yaml')]);
    expect(r.stderr).toBe('');
    // Found without a regular expression: `\S+` over the 6 MB line can overflow V8's backtrack stack.
    const line = r.stdout.split('\n').find((l) => l.startsWith('quoted: '));
    expect(line).toBeDefined();
    const helm = Buffer.from(line!.slice('quoted: '.length), 'base64').toString('utf8');
    // THEN goQuote agrees character for character (compared in slices so a failure shows where)
    const ours = goQuote(all);
    expect(ours.length).toBe(helm.length);
    for (let at = 0; at < helm.length; at += 4096) expect(ours.slice(at, at + 4096)).toBe(helm.slice(at, at + 4096));
  });
});
