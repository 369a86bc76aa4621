// Making elements, for the kiosk and the staff pages alike. No innerHTML anywhere: every word from
// the server or a person goes in as text.

/**
 * el('p', {class: 'body', text: 'Hi'}, child, ...): an element. Attributes: class, text,
 * dataset (an object), on<Event> (a function: a listener), and the rest as attributes (true:
 * present; false, null or undefined: left out; a textarea's value is its defaultValue).
 * Children: nodes, strings, numbers and arrays of them; null, undefined, false and '' are skipped.
 */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = String(v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k === 'value' && e.tagName === 'TEXTAREA') e.defaultValue = String(v);
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2).toLowerCase(), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  append(e, children);
  return e;
}

function append(e, children) {
  for (const c of children) {
    if (c == null || c === false || c === '') continue;
    if (Array.isArray(c)) append(e, c);
    else e.append(c instanceof Node ? c : String(c));
  }
}
