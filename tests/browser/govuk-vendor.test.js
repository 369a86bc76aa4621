// The staff pages' copy of GOV.UK Frontend (web/staff/govuk/) is exactly what vendoring the
// locked npm package makes: same version, same bytes, no GDS Transport font.
//
// This file is also the vendoring step itself: `npm run vendor-govuk` runs it with --write, and it
// copies the precompiled CSS out of node_modules/govuk-frontend/dist/ into web/staff/govuk/ with
// the licence and the version. The server serves only web/, so `make run` needs no npm.
//
// Why the fonts go: GDS Transport is licensed for GOV.UK services only, and a council's service is
// not one. The copied CSS loses its @font-face rules, and where it named "GDS Transport" it names
// the pages' own served font, Atkinson Hyperlegible (web/fonts/, tests/browser/fonts-vendor.test.js),
// so the staff pages look the same on every machine; no GOV.UK font file is copied.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const PACKAGE = path.join(ROOT, 'node_modules/govuk-frontend');
const DEST = path.join(ROOT, 'web/staff/govuk');
const CSS_NAME = 'govuk-frontend.min.css';
const SERVED_FONT = 'Atkinson Hyperlegible';

// govuk-frontend's package has no licence file of its own (its package.json says MIT); this is the
// text of LICENSE.txt in github.com/alphagov/govuk-frontend.
const LICENSE = `GOV.UK Frontend (https://github.com/alphagov/govuk-frontend), version {version}.
Copied from the npm package by \`npm run vendor-govuk\`: the precompiled CSS only, without the
GDS Transport font (licensed for GOV.UK services only), which these pages do not use: they
use Atkinson Hyperlegible, served from web/fonts/.

The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;

function installedVersion() {
  return JSON.parse(fs.readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')).version;
}

/** The package's precompiled CSS without the GDS Transport font or the source map comment. */
function strippedCss() {
  let css = fs.readFileSync(path.join(PACKAGE, 'dist/govuk', CSS_NAME), 'utf8');
  const faces = css.match(/@font-face\{[^}]*\}/g) || [];
  if (!faces.length || faces.some((f) => !/font-family:\s*"?GDS Transport/.test(f))) {
    throw new Error('govuk-frontend CSS: @font-face rules not as expected; check the vendoring');
  }
  css = css.replace(/@font-face\{[^}]*\}/g, '');
  // The font's own copyright notice goes with it.
  css = css.replace(/\/\*![^*]*Margaret Calvert[^*]*\*\//g, '');
  css = css.replace(/(["']?)GDS Transport\1\s*,/g, `"${SERVED_FONT}",`);
  css = css.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, '');
  if (/GDS Transport|Margaret Calvert|\/assets\/fonts\//.test(css)) {
    throw new Error('govuk-frontend CSS: GDS Transport is still referred to after stripping');
  }
  return css.trimEnd() + '\n';
}

/** What web/staff/govuk/ should hold: file name -> contents. */
function vendored() {
  const version = installedVersion();
  return {
    [CSS_NAME]: strippedCss(),
    LICENSE: LICENSE.replace('{version}', version),
    VERSION: version + '\n',
  };
}

if (require.main === module && process.argv.includes('--write')) {
  fs.rmSync(DEST, { recursive: true, force: true });
  fs.mkdirSync(DEST, { recursive: true });
  for (const [name, text] of Object.entries(vendored())) fs.writeFileSync(path.join(DEST, name), text);
  console.log(`GOV.UK Frontend ${installedVersion()} copied to ${path.relative(ROOT, DEST)}/`);
} else {
  const { test } = require('node:test');
  const assert = require('node:assert/strict');

  test('the vendored copy is the version package-lock.json locks', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
    const locked = lock.packages['node_modules/govuk-frontend'].version;
    assert.equal(installedVersion(), locked, 'node_modules holds the locked version (npm ci)');
    assert.equal(fs.readFileSync(path.join(DEST, 'VERSION'), 'utf8').trim(), locked,
      'web/staff/govuk/VERSION: run `npm run vendor-govuk` after changing the version');
    const css = fs.readFileSync(path.join(DEST, CSS_NAME), 'utf8');
    assert.match(css, new RegExp(`--govuk-frontend-version:"${locked.replace(/\./g, '\\.')}"`));
  });

  test('the vendored files are exactly what vendoring the installed package makes', () => {
    const want = vendored();
    assert.deepEqual(fs.readdirSync(DEST).sort(), Object.keys(want).sort(),
      'web/staff/govuk/ holds the CSS, LICENSE and VERSION and nothing else (no fonts)');
    for (const [name, text] of Object.entries(want)) {
      assert.ok(fs.readFileSync(path.join(DEST, name), 'utf8') === text,
        `web/staff/govuk/${name} differs: run \`npm run vendor-govuk\``);
    }
  });

  test('the vendored CSS has no GDS Transport font and uses the served font, then Arial', () => {
    const css = fs.readFileSync(path.join(DEST, CSS_NAME), 'utf8');
    assert.doesNotMatch(css, /@font-face/);
    assert.doesNotMatch(css, /GDS Transport/i);
    assert.doesNotMatch(css, /Margaret Calvert/, "the font's copyright notice goes with the font");
    assert.doesNotMatch(css, /\.woff2?\b/);
    assert.match(css, /font-family:"Atkinson Hyperlegible",arial,sans-serif/);
    assert.doesNotMatch(css, /font-family:arial/, 'no text is left in Arial alone');
    assert.match(fs.readFileSync(path.join(DEST, 'LICENSE'), 'utf8'), /The MIT License/);
  });
}
