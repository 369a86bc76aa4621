// Private listening (docs/narration.md, "Private listening"): whether private texts (the plan
// code, answers about safety, names) may be read aloud here. A kiosk set up with headphones
// (hello.kiosk.headphones "yes") reads them; otherwise the welcome page asks "Are you using
// headphones?", and without them they are read only when the person chooses to hear them. The
// server decides too (it refuses a private text otherwise): this page tells it with `listening`.
// The answer is kept in page memory only, and told again after a reconnection.

let send = () => false; // app.js's send(m) -> bool
let kioskHas = false;   // the kiosk has headphones: nobody is asked
let answer = null;      // the person's: true (headphones), false, or null (not asked yet)
let consented = false;  // the person chose to hear private things anyway

/** send(m): how to reach the server. */
export function init(sendFn) {
  send = sendFn;
}

/** `hello`'s kiosk settings; after a reconnection the server is told again what it was told. */
export function configure(opts) {
  kioskHas = !!opts && opts.headphones === 'yes';
  if (consented) send({ type: 'listening', consent: true });
  else if (answer !== null) send({ type: 'listening', headphones: answer });
}

/** True while the person has not been asked about headphones and should be. */
export function shouldAsk() {
  return !kioskHas && answer === null;
}

/** True when private texts are read aloud here. */
export function privateAloud() {
  return kioskHas || answer === true || consented;
}

/** The person's answer to "Are you using headphones?". */
export function answerHeadphones(yes) {
  answer = !!yes;
  send({ type: 'listening', headphones: answer });
}

/** The person chose to hear private things here, for the rest of this visit. */
export function consent() {
  consented = true;
  send({ type: 'listening', consent: true });
}
