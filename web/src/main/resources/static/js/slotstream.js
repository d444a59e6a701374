// Slotstream browser client: the few helpers every page shares. Plain ES2020, no build step.
// Every call goes to a service's public API through the web module's same-origin pass-through:
//   api/availability/fhir/...   availability-service FHIR search (Slot, Schedule, Location, PractitionerRole, ...)
//   api/booking/fhir/...        booking-bridge IHE ITI Scheduling ($find, $hold, $book, Appointment)
//   api/ingest/admin/feeds      ingest-service feed status (read only)
//   api/publish/$bulk-publish   publish-service SMART Scheduling Links manifest
// Strip the "api/<service>" prefix and you have the call a client makes to the service itself.
'use strict';

const Slotstream = (() => {
  const FHIR_JSON = 'application/fhir+json';
  const EXT = {
    deepLink: ['http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-deep-link',
      'http://fhir-registry.smarthealthit.org/StructureDefinition/booking-deep-link'],
    phone: ['http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-phone',
      'http://fhir-registry.smarthealthit.org/StructureDefinition/booking-phone'],
    patientType: ['http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/patient-type'],
  };

  /** GET or POST a service's public API; resolves to {status, body (parsed JSON or null), headers}. */
  async function api(service, path, { method = 'GET', body, headers = {} } = {}) {
    const init = { method, headers: { Accept: FHIR_JSON + ', application/json', ...headers } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = FHIR_JSON;
    }
    const response = await fetch(`api/${service}${path}`, init);
    const text = await response.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = { error: text }; }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  /** Follows a searchset's next link (an absolute URL of the service) through the pass-through. */
  function nextPath(bundle) {
    const next = (bundle.link || []).find(l => l.relation === 'next');
    if (!next) return null;
    const at = next.url.indexOf('/fhir/');
    return at < 0 ? null : next.url.substring(at);
  }

  /** Runs a FHIR search and its next pages, up to maxPages; returns {entries, total}. */
  async function search(service, path, maxPages = 3) {
    let entries = [];
    let total;
    for (let page = 0; path && page < maxPages; page++) {
      const r = await api(service, path);
      if (r.status !== 200) throw new Error(problem(r.body) || `search failed (${r.status})`);
      entries = entries.concat(r.body.entry || []);
      if (total === undefined) total = r.body.total;
      path = nextPath(r.body);
    }
    return { entries, total };
  }

  /** The readable message of an OperationOutcome (or a pass-through {error}). */
  function problem(body) {
    if (!body) return null;
    if (body.error) return body.error;
    const outcome = body.resourceType === 'OperationOutcome' ? body
      : (body.entry || []).map(e => e.resource).find(r => r && r.resourceType === 'OperationOutcome');
    if (!outcome) return null;
    return (outcome.issue || []).map(i => i.diagnostics || (i.details && i.details.text) || i.code).join('; ');
  }

  /** The decision point's reason code of a rejected $hold/$book (urn:slotstream:booking-reason), if any. */
  function reasonCode(body) {
    const outcome = body && (body.resourceType === 'OperationOutcome' ? body
      : (body.entry || []).map(e => e.resource).find(r => r && r.resourceType === 'OperationOutcome'));
    if (!outcome) return null;
    for (const issue of outcome.issue || []) {
      for (const c of (issue.details && issue.details.coding) || []) if (c.code) return c.code;
      if (issue.code && issue.severity !== 'information') return issue.code;
    }
    return null;
  }

  function extension(resource, urls) {
    return (resource.extension || []).find(e => urls.includes(e.url));
  }

  function deepLink(slot) { const e = extension(slot, EXT.deepLink); return e ? e.valueUrl : null; }
  function phone(slot) {
    const e = extension(slot, EXT.phone);
    return e ? (e.valueContactPoint ? e.valueContactPoint.value : e.valueString) : null;
  }
  function patientType(slot) { const e = extension(slot, EXT.patientType); return e && e.valueCoding ? e.valueCoding.code : null; }

  /** Appends source and booking-referral to a deep link, keeping its own query (SMART Scheduling Links deep linking). */
  function withReferral(link, source, referral) {
    try {
      const url = new URL(link, document.baseURI);
      url.searchParams.set('source', source);
      url.searchParams.set('booking-referral', referral);
      return url.toString();
    } catch (e) { return link; }
  }

  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

  /** A FHIR instant in the offset it was written with (the location's local time): {day, time, offset, dayLabel}. */
  function localTime(instant) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(instant || '');
    if (!m) return { day: instant, time: '', offset: '', dayLabel: instant };
    const [, y, mo, d, h, mi, off] = m;
    const weekday = DAYS[new Date(Date.UTC(+y, +mo - 1, +d)).getUTCDay()];
    return { day: `${y}-${mo}-${d}`, time: `${h}:${mi}`, offset: off === 'Z' ? 'UTC' : `UTC${off}`,
      dayLabel: `${weekday} ${+d} ${MONTHS[+mo - 1]} ${y}` };
  }

  /** The first display of a list of CodeableConcepts (or Codings). */
  function display(concepts) {
    for (const c of concepts || []) {
      if (c.text) return c.text;
      for (const coding of c.coding || [c]) if (coding.display || coding.code) return coding.display || coding.code;
    }
    return null;
  }

  function uuid() {
    return crypto.randomUUID ? crypto.randomUUID()
      : 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, c => ((Math.random() * 16) | (c === 'x' ? 0 : 8)).toString(16));
  }

  /** Creates an element: el('li', {class: 'x'}, 'text', child, ...). */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') node.className = v; else node.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
    return node;
  }

  /** Live slot changes (server-sent events fed from slot.availability.v1): onChanges(list of {id, status, ...}). */
  function liveSlots(onChanges, onReady) {
    const source = new EventSource('api/slot-events');
    source.addEventListener('slots', e => onChanges(JSON.parse(e.data)));
    if (onReady) source.addEventListener('ready', onReady);
    return source;
  }

  return { api, search, problem, reasonCode, deepLink, phone, patientType, withReferral, localTime, display, uuid, el, liveSlots };
})();
