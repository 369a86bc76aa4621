// The pages' own font (web/fonts/) is exactly what vendoring the locked npm package makes: same
// version, same bytes. The kiosk and the staff pages are drawn in Atkinson Hyperlegible (made by
// the Braille Institute for low-vision readers; SIL Open Font License 1.1) whatever fonts the
// machine has, so no layout and no test depends on the host's fonts.
//
// This file is also the vendoring step itself: `npm run vendor-fonts` runs it with --write, and it
// copies the latin and latin-ext .woff2 files (regular and bold, upright and italic) out of
// node_modules/@fontsource/atkinson-hyperlegible/ into web/fonts/, with one stylesheet of
// @font-face rules, the licence and the version. The server serves only web/, so `make run`
// needs no npm.
//
// Why font-display: block: text waits (at most about 3 s) for the served font instead of being
// drawn first in another font and then moving; on a kiosk served from the same machine the wait
// is a few milliseconds, and a test never measures a layout made with a fallback font.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const PACKAGE = path.join(ROOT, 'node_modules/@fontsource/atkinson-hyperlegible');
const DEST = path.join(ROOT, 'web/fonts');
const FAMILY = 'Atkinson Hyperlegible';
const CSS_NAME = 'atkinson-hyperlegible.css';
// The package's stylesheets with the faces the pages use: each has a latin and a latin-ext rule.
const FACES = ['400.css', '700.css', '400-italic.css', '700-italic.css'];

function installedVersion() {
  return JSON.parse(fs.readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')).version;
}

/**
 * The package's @font-face rules for FACES, pointing at the .woff2 files beside the stylesheet
 * (no .woff: every browser the pages support reads woff2), with font-display: block.
 * Returns { css, files }: the stylesheet and the font file names it uses.
 */
function fontFaces() {
  const files = [];
  let css = `/* ${FAMILY}, from the npm package @fontsource/atkinson-hyperlegible ${installedVersion()}:\n` +
    '   copied by `npm run vendor-fonts` (tests/browser/fonts-vendor.test.js); do not edit.\n' +
    '   Copyright 2020 Braille Institute of America, Inc.; SIL Open Font License 1.1 (OFL.txt). */\n';
  for (const name of FACES) {
    const text = fs.readFileSync(path.join(PACKAGE, name), 'utf8');
    const rules = text.match(/@font-face\s*\{[^}]*\}/g) || [];
    if (rules.length !== 2) throw new Error(`${name}: expected 2 @font-face rules, found ${rules.length}`);
    for (let rule of rules) {
      if (!rule.includes(`font-family: '${FAMILY}'`) || !/font-display: swap;/.test(rule)) {
        throw new Error(`${name}: @font-face rule not as expected; check the vendoring`);
      }
      const src = /src: url\(\.\/files\/([a-z0-9-]+\.woff2)\) format\('woff2'\)(, url\([^)]*\.woff\) format\('woff'\))?;/
        .exec(rule);
      if (!src) throw new Error(`${name}: src not as expected; check the vendoring`);
      files.push(src[1]);
      rule = rule.replace(src[0], `src: url(${src[1]}) format('woff2');`);
      rule = rule.replace('font-display: swap;', 'font-display: block;');
      css += '\n' + rule + '\n';
    }
  }
  return { css, files };
}

/** What web/fonts/ should hold: file name -> contents (Buffer or string). */
function vendored() {
  const { css, files } = fontFaces();
  const out = { [CSS_NAME]: css, 'OFL.txt': fs.readFileSync(path.join(PACKAGE, 'LICENSE'), 'utf8'),
    VERSION: installedVersion() + '\n' };
  for (const f of files) out[f] = fs.readFileSync(path.join(PACKAGE, 'files', f));
  return out;
}

if (require.main === module && process.argv.includes('--write')) {
  fs.rmSync(DEST, { recursive: true, force: true });
  fs.mkdirSync(DEST, { recursive: true });
  for (const [name, data] of Object.entries(vendored())) fs.writeFileSync(path.join(DEST, name), data);
  console.log(`${FAMILY} ${installedVersion()} copied to ${path.relative(ROOT, DEST)}/`);
} else {
  const { test } = require('node:test');
  const assert = require('node:assert/strict');

  test('the vendored font is the version package-lock.json locks', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
    const locked = lock.packages['node_modules/@fontsource/atkinson-hyperlegible'].version;
    assert.equal(installedVersion(), locked, 'node_modules holds the locked version (npm ci)');
    assert.equal(fs.readFileSync(path.join(DEST, 'VERSION'), 'utf8').trim(), locked,
      'web/fonts/VERSION: run `npm run vendor-fonts` after changing the version');
  });

  test('the vendored files are exactly what vendoring the installed package makes', () => {
    const want = vendored();
    assert.deepEqual(fs.readdirSync(DEST).sort(), Object.keys(want).sort(),
      'web/fonts/ holds the stylesheet, the .woff2 files, OFL.txt and VERSION and nothing else');
    for (const [name, data] of Object.entries(want)) {
      assert.ok(fs.readFileSync(path.join(DEST, name)).equals(Buffer.from(data)),
        `web/fonts/${name} differs: run \`npm run vendor-fonts\``);
    }
  });

  test('regular and bold, upright and italic, for latin and latin-ext, under the OFL', () => {
    const { css, files } = fontFaces();
    assert.equal(files.length, 8);
    for (const w of ['400', '700']) {
      for (const s of ['normal', 'italic']) {
        for (const sub of ['latin', 'latin-ext']) {
          assert.ok(files.includes(`atkinson-hyperlegible-${sub}-${w}-${s}.woff2`), `${sub} ${w} ${s}`);
        }
      }
    }
    assert.doesNotMatch(css, /font-display: swap/);
    assert.doesNotMatch(css, /\.woff\)/);
    assert.match(fs.readFileSync(path.join(DEST, 'OFL.txt'), 'utf8'), /SIL OPEN FONT LICENSE Version 1\.1/);
  });

  test('every page links the font before its own styles, and the styles ask for it first', () => {
    for (const page of ['web/index.html', 'web/staff/index.html', 'web/staff/login.html']) {
      const html = fs.readFileSync(path.join(ROOT, page), 'utf8');
      const links = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => m[1]);
      assert.equal(links[0], `/fonts/${CSS_NAME}`, `${page}: the font's stylesheet comes first`);
    }
    const kiosk = fs.readFileSync(path.join(ROOT, 'web/css/kiosk.css'), 'utf8');
    assert.match(kiosk, /body \{[^}]*font-family: "Atkinson Hyperlegible",/);
  });
}
