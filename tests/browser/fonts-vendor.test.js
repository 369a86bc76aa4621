// The pages' own fonts (web/fonts/) are exactly what vendoring the locked npm packages makes: same
// versions, same bytes. The kiosk and the staff pages are drawn in Atkinson Hyperlegible (made by
// the Braille Institute for low-vision readers) whatever fonts the machine has, so no layout and
// no test depends on the host's fonts; text in the other scripts the pages are written in is drawn
// in Noto fonts served the same way: Noto Sans Arabic (Arabic), Noto Nastaliq Urdu (Urdu), Noto
// Sans Bengali (Bengali) and Noto Sans Gurmukhi (Punjabi), each its own script's subset only; and
// Noto Sans, its latin-ext subset only, for the few letters Atkinson Hyperlegible lacks (Welsh ŵ
// and ŷ, with their capitals and the other accents on w and y). All are under the SIL Open Font
// License 1.1.
//
// This file is also the vendoring step itself: `npm run vendor-fonts` runs it with --write, and it
// copies the .woff2 files each family needs out of node_modules/@fontsource/<family>/ into
// web/fonts/, with the @font-face rules that name them (with the packages' unicode-range, so a
// page downloads only the faces its text uses), each family's licence, and the versions
// (VERSION). Atkinson Hyperlegible has its own stylesheet (atkinson-hyperlegible.css: every page
// uses it); the Noto families share one (noto.css), which costs nothing until a page has text
// that needs one of them. The server serves only web/, so `make run` needs no npm.
//
// Why font-display: block: text waits (at most about 3 s) for the served font instead of being
// drawn first in another font and then moving; on a kiosk served from the same machine the wait
// is a few milliseconds, and a test never measures a layout made with a fallback font.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const DEST = path.join(ROOT, 'web/fonts');

// What is copied, family by family: the package (under @fontsource/), the stylesheet its rules go
// in, its subsets and styles (weights 400 and 700 each), and the copyright its licence begins with.
const FONTS = [
  { pkg: 'atkinson-hyperlegible', family: 'Atkinson Hyperlegible', css: 'atkinson-hyperlegible.css',
    subsets: ['latin', 'latin-ext'], styles: ['normal', 'italic'],
    copyright: 'Copyright 2020 Braille Institute of America, Inc.' },
  { pkg: 'noto-sans', family: 'Noto Sans', css: 'noto.css', subsets: ['latin-ext'], styles: ['normal'],
    copyright: 'Copyright 2022 The Noto Project Authors', use: 'Welsh ŵ ŷ Ŵ Ŷ ẁ ẃ ẅ ỳ, which Atkinson Hyperlegible lacks' },
  { pkg: 'noto-sans-arabic', family: 'Noto Sans Arabic', css: 'noto.css', subsets: ['arabic'], styles: ['normal'],
    copyright: 'Copyright 2022 The Noto Project Authors', use: 'Arabic' },
  { pkg: 'noto-nastaliq-urdu', family: 'Noto Nastaliq Urdu', css: 'noto.css', subsets: ['arabic'], styles: ['normal'],
    copyright: 'Copyright 2022 The Noto Project Authors', use: 'Urdu' },
  { pkg: 'noto-sans-bengali', family: 'Noto Sans Bengali', css: 'noto.css', subsets: ['bengali'], styles: ['normal'],
    copyright: 'Copyright 2025 The Noto Project Authors', use: 'Bengali' },
  { pkg: 'noto-sans-gurmukhi', family: 'Noto Sans Gurmukhi', css: 'noto.css', subsets: ['gurmukhi'], styles: ['normal'],
    copyright: 'Copyright 2022 The Noto Project Authors', use: 'Punjabi (Gurmukhi)' },
];
const WEIGHTS = ['400', '700'];
// The stylesheets, in the order the pages link them.
const STYLESHEETS = [...new Set(FONTS.map((f) => f.css))];

const packageDir = (font) => path.join(ROOT, 'node_modules/@fontsource', font.pkg);
const licenceName = (font) => `${font.pkg}.OFL.txt`;

function installedVersion(font) {
  return JSON.parse(fs.readFileSync(path.join(packageDir(font), 'package.json'), 'utf8')).version;
}

/**
 * The package's @font-face rules for the family's subsets, weights and styles, pointing at the
 * .woff2 files beside the stylesheet (no .woff: every browser the pages support reads woff2), with
 * font-display: block and the package's unicode-range. Returns { css, files }: the rules and the
 * font file names they use.
 */
function fontFaces(font) {
  const files = [];
  let css = '';
  for (const style of font.styles) {
    for (const weight of WEIGHTS) {
      const name = style === 'normal' ? `${weight}.css` : `${weight}-${style}.css`;
      const text = fs.readFileSync(path.join(packageDir(font), name), 'utf8');
      const rules = text.match(/@font-face\s*\{[^}]*\}/g) || [];
      const found = [];
      for (let rule of rules) {
        const src = /src: url\(\.\/files\/([a-z0-9-]+\.woff2)\) format\('woff2'\)(, url\([^)]*\.woff\) format\('woff'\))?;/
          .exec(rule);
        if (!src) throw new Error(`${font.pkg}/${name}: src not as expected; check the vendoring`);
        const subset = font.subsets.find((s) => src[1] === `${font.pkg}-${s}-${weight}-${style}.woff2`);
        if (!subset) continue; // another script's subset: not served
        if (!rule.includes(`font-family: '${font.family}'`) || !/font-display: swap;/.test(rule) ||
          !rule.includes(`font-weight: ${weight};`) || !rule.includes(`font-style: ${style};`) ||
          !/unicode-range: U\+[0-9A-F]/.test(rule)) {
          throw new Error(`${font.pkg}/${name}: @font-face rule not as expected; check the vendoring`);
        }
        found.push(subset);
        files.push(src[1]);
        rule = rule.replace(src[0], `src: url(${src[1]}) format('woff2');`);
        rule = rule.replace('font-display: swap;', 'font-display: block;');
        css += '\n' + rule + '\n';
      }
      if (found.length !== font.subsets.length) {
        throw new Error(`${font.pkg}/${name}: expected the subsets ${font.subsets}, found ${found}`);
      }
    }
  }
  return { css, files };
}

const NOTICE = '   copied by `npm run vendor-fonts` (tests/browser/fonts-vendor.test.js); do not edit.\n';

/** Each stylesheet's text, and every font file: name -> contents (Buffer or string). */
function vendored() {
  const out = {};
  for (const sheet of STYLESHEETS) {
    const fonts = FONTS.filter((f) => f.css === sheet);
    let css;
    if (fonts.length === 1) {
      const [f] = fonts;
      css = `/* ${f.family}, from the npm package @fontsource/${f.pkg} ${installedVersion(f)}:\n` + NOTICE +
        `   ${f.copyright}; SIL Open Font License 1.1 (${licenceName(f)}). */\n`;
    } else {
      css = '/* Fonts for text in other scripts, each from its npm package and with its unicode-range, so\n' +
        '   that a page downloads only the faces its text uses:\n' + NOTICE + '   SIL Open Font License 1.1. */\n';
    }
    for (const f of fonts) {
      const { css: rules, files } = fontFaces(f);
      if (fonts.length > 1) {
        css += `\n/* ${f.family} (${f.use}): @fontsource/${f.pkg} ${installedVersion(f)}, subset ` +
          `${f.subsets.join(', ')}.\n   ${f.copyright}; SIL Open Font License 1.1 (${licenceName(f)}). */\n`;
      }
      css += rules;
      for (const file of files) out[file] = fs.readFileSync(path.join(packageDir(f), 'files', file));
    }
    out[sheet] = css;
  }
  for (const f of FONTS) out[licenceName(f)] = fs.readFileSync(path.join(packageDir(f), 'LICENSE'), 'utf8');
  out.VERSION = FONTS.map((f) => `@fontsource/${f.pkg} ${installedVersion(f)}\n`).join('');
  return out;
}

/** The @font-face rules of web/fonts/: [{sheet, family, weight, style, file, range}]. */
function servedFaces() {
  const faces = [];
  for (const sheet of fs.readdirSync(DEST).filter((n) => n.endsWith('.css'))) {
    const text = fs.readFileSync(path.join(DEST, sheet), 'utf8');
    for (const rule of text.match(/@font-face\s*\{[^}]*\}/g) || []) {
      const get = (prop) => (new RegExp(`${prop}:\\s*([^;]*);`).exec(rule) || [])[1];
      faces.push({
        sheet, family: get('font-family').replace(/['"]/g, ''), weight: get('font-weight'),
        style: get('font-style'), file: (/url\(([^)]*)\)/.exec(rule) || [])[1], range: get('unicode-range'),
      });
    }
  }
  return faces;
}

/** The families a stylesheet's font-family declarations name, first to last, in order of use. */
function familiesNamed(css) {
  const out = new Set();
  for (const m of css.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/font-family:\s*([^;}]*)/g)) {
    for (const name of m[1].split(',')) out.add(name.trim().replace(/^["']|["']$/g, ''));
  }
  return [...out];
}

module.exports = { FONTS, STYLESHEETS, servedFaces, familiesNamed };

if (require.main === module && process.argv.includes('--write')) {
  fs.rmSync(DEST, { recursive: true, force: true });
  fs.mkdirSync(DEST, { recursive: true });
  for (const [name, data] of Object.entries(vendored())) fs.writeFileSync(path.join(DEST, name), data);
  for (const f of FONTS) console.log(`${f.family} ${installedVersion(f)} copied to ${path.relative(ROOT, DEST)}/`);
} else if (require.main === module) {
  const { test } = require('node:test');
  const assert = require('node:assert/strict');
  const GENERIC = new Set(['Arial', 'arial', 'Verdana', 'DejaVu Sans', 'sans-serif', 'inherit']);

  test('the vendored fonts are the versions package-lock.json locks', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const versions = fs.readFileSync(path.join(DEST, 'VERSION'), 'utf8');
    for (const f of FONTS) {
      const name = `@fontsource/${f.pkg}`;
      const locked = lock.packages[`node_modules/${name}`].version;
      assert.equal(pkg.dependencies[name], locked, `package.json asks for exactly ${name} ${locked}`);
      assert.equal(installedVersion(f), locked, `node_modules holds the locked ${name} (npm ci)`);
      assert.ok(versions.split('\n').includes(`${name} ${locked}`),
        `web/fonts/VERSION says ${name} ${locked}: run \`npm run vendor-fonts\` after changing a version`);
    }
  });

  test('the vendored files are exactly what vendoring the installed packages makes', () => {
    const want = vendored();
    assert.deepEqual(fs.readdirSync(DEST).sort(), Object.keys(want).sort(),
      'web/fonts/ holds the stylesheets, the .woff2 files, the licences and VERSION and nothing else');
    for (const [name, data] of Object.entries(want)) {
      assert.ok(fs.readFileSync(path.join(DEST, name)).equals(Buffer.from(data)),
        `web/fonts/${name} differs: run \`npm run vendor-fonts\``);
    }
  });

  test('each family in regular and bold, only its own subsets, with unicode-range, under the OFL', () => {
    const faces = servedFaces();
    for (const f of FONTS) {
      const mine = faces.filter((x) => x.family === f.family);
      assert.equal(mine.length, f.subsets.length * f.styles.length * WEIGHTS.length, f.family);
      for (const w of WEIGHTS) {
        for (const s of f.styles) {
          for (const sub of f.subsets) {
            const file = `${f.pkg}-${sub}-${w}-${s}.woff2`;
            assert.ok(mine.some((x) => x.file === file && x.weight === w && x.style === s && x.sheet === f.css),
              `${f.family} ${sub} ${w} ${s} in ${f.css}`);
          }
        }
      }
      for (const x of mine) assert.match(x.range || '', /^U\+[0-9A-F]/, `${x.file} has a unicode-range`);
      const licence = fs.readFileSync(path.join(DEST, licenceName(f)), 'utf8');
      assert.ok(licence.startsWith(f.copyright), `${licenceName(f)} is ${f.family}'s`);
      assert.match(licence, /SIL OPEN FONT LICENSE Version 1\.1/);
    }
    for (const sheet of STYLESHEETS) {
      const css = fs.readFileSync(path.join(DEST, sheet), 'utf8');
      assert.doesNotMatch(css, /font-display: swap/);
      assert.doesNotMatch(css, /\.woff\)/);
    }
  });

  test('every font file a stylesheet names is there, and every one there is named (no dead files)', () => {
    const named = servedFaces().map((x) => x.file);
    const there = fs.readdirSync(DEST).filter((n) => n.endsWith('.woff2'));
    for (const file of named) assert.ok(there.includes(file), `web/fonts/${file} is missing`);
    for (const file of there) assert.ok(named.includes(file), `web/fonts/${file} is named by no @font-face`);
    assert.equal(new Set(named).size, named.length, 'no file is named twice');
  });

  test('every served family is asked for by the pages, and every family they ask for is served', () => {
    const served = new Set(servedFaces().map((x) => x.family));
    const kiosk = fs.readFileSync(path.join(ROOT, 'web/css/kiosk.css'), 'utf8');
    const staff = fs.readFileSync(path.join(ROOT, 'web/staff/css/staff.css'), 'utf8');
    for (const [name, css] of [['kiosk.css', kiosk], ['staff.css', staff]]) {
      const asked = familiesNamed(css).filter((n) => !GENERIC.has(n));
      assert.deepEqual(asked.filter((n) => !served.has(n)), [], `${name} names a family not in web/fonts/`);
      assert.deepEqual([...served].filter((n) => !asked.includes(n)), [], `${name} leaves a served family unused`);
    }
    // Latin first; every other script's stack ends in the served Latin fonts, for the Latin
    // letters and digits in those pages (a code, "Plan Aloud", an amount).
    const LATIN = '"Atkinson Hyperlegible", "Noto Sans", Arial, sans-serif';
    assert.match(kiosk, new RegExp(`body \\{[^}]*font-family: ${LATIN};`));
    for (const [lang, family] of [['ar', 'Noto Sans Arabic'], ['ur', 'Noto Nastaliq Urdu'],
      ['bn', 'Noto Sans Bengali'], ['pa', 'Noto Sans Gurmukhi']]) {
      for (const [name, css] of [['kiosk.css', kiosk], ['staff.css', staff]]) {
        const rule = new RegExp(`:lang\\(${lang}\\)[^{]*\\{[^}]*font-family: "${family}", ${LATIN};`, 'i');
        assert.match(css, rule, `${name}: text in ${lang} is drawn in ${family}, then the Latin fonts`);
      }
    }
  });

  test('every page links the fonts before its own styles, and preloads only what English needs', () => {
    for (const page of ['web/index.html', 'web/staff/index.html', 'web/staff/login.html', 'web/staff/enrol.html']) {
      const html = fs.readFileSync(path.join(ROOT, page), 'utf8');
      const links = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => m[1]);
      assert.deepEqual(links.slice(0, STYLESHEETS.length), STYLESHEETS.map((s) => `/fonts/${s}`),
        `${page}: the fonts' stylesheets come first`);
      const preloads = [...html.matchAll(/<link rel="preload" href="([^"]+)"/g)].map((m) => m[1]);
      for (const p of preloads) {
        assert.match(p, /^\/fonts\/atkinson-hyperlegible-latin-(400|700)-normal\.woff2$/,
          `${page}: only the English first page's faces are preloaded`);
      }
    }
  });
}
