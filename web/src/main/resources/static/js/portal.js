// Booking portal: the target of Slotstream's booking deep links (portal.html?slot=&source=&booking-referral=).
// Reads the Slot and its Schedule (availability-service FHIR search), holds it with IHE ITI-116 $hold (after an
// ITI-115 $find for the slot's time and place), books it with ITI-117 $book, and offers a signed cancel link.
'use strict';

(() => {
  const S = Slotstream;
  const $ = id => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const slotId = params.get('slot');
  const source = params.get('source');
  const referral = params.get('booking-referral');
  const FIELD_LABELS = { name: ['Full name', 'text', 'name'], 'birth-date': ['Date of birth', 'date', 'bday'],
    phone: ['Phone', 'tel', 'tel'], email: ['Email', 'email', 'email'] };
  const REASONS = {
    'slot-held': 'Someone else is booking this time right now.',
    'slot-booked': 'Someone else booked this time a moment ago.',
    'slot-busy': 'This time is no longer offered.',
    'hold-expired': 'We kept this time for you, but the time to confirm ran out and it was released.',
    'min-notice': 'This time is too soon to book online.',
    'beyond-horizon': 'This time is too far ahead to book yet.',
    'patient-has-booking': 'You already have a booking on this schedule.',
    'not-found': 'This time can no longer be held.',
    'conflict': 'Someone else took this time a moment ago.',
  };
  let slot = null, schedule = null, held = null, holdEnds = null, timer = null, settings = { patientFields: ['name'], holdSeconds: 600 };

  function notice(kind, ...content) {
    $('message').replaceChildren(S.el('div', { class: 'notice ' + kind }, ...content));
  }

  async function load() {
    if (!slotId) { notice('bad', 'This link does not name an appointment time. ', S.el('a', { href: './' }, 'Find a time')); return; }
    const [settingsAnswer, slotAnswer] = await Promise.all([fetch('api/portal-settings').then(r => r.json()).catch(() => settings),
      S.api('availability', `/fhir/Slot/${encodeURIComponent(slotId)}`)]);
    settings = settingsAnswer;
    if (slotAnswer.status === 404) {
      notice('bad', 'This appointment time is no longer offered. ', S.el('a', { href: './' }, 'Find another time'));
      return;
    }
    if (slotAnswer.status !== 200) { notice('bad', 'We could not load this appointment: ' + (S.problem(slotAnswer.body) || slotAnswer.status)); return; }
    slot = slotAnswer.body;
    const scheduleId = slot.schedule.reference.replace('Schedule/', '');
    const found = await S.search('availability', `/fhir/Schedule?_id=${encodeURIComponent(scheduleId)}`, 1);
    schedule = (found.entries[0] || {}).resource || { id: scheduleId, actor: [] };
    showFacts();
    $('slot-section').hidden = false;
    if (slot.status !== 'free') {
      $('start-row').hidden = true;
      lost(slot.status === 'busy-tentative' ? 'slot-held' : 'slot-busy');   // busy-tentative = held by someone
    }
    $('start').addEventListener('click', hold);
    S.liveSlots(onLive);
  }

  function actorsOf(prefix) { return (schedule.actor || []).filter(a => (a.reference || '').startsWith(prefix)); }

  function showFacts() {
    const start = S.localTime(slot.start), end = S.localTime(slot.end);
    const place = actorsOf('Location/').map(a => a.display || a.reference).join('; ');
    const who = actorsOf('PractitionerRole/').concat(actorsOf('Practitioner/')).map(a => a.display || a.reference).join('; ');
    const service = S.display(slot.serviceType) || S.display(schedule.serviceType) || S.display(slot.specialty) || S.display(schedule.specialty);
    const facts = [['When', `${start.dayLabel}, ${start.time}–${end.time} (${start.offset}, local time)`], ['Where', place],
      ['With', who], ['For', service], ['Phone', S.phone(slot)]];
    $('facts').replaceChildren(...facts.filter(([, v]) => v).flatMap(([k, v]) => [S.el('dt', {}, k), S.el('dd', {}, v)]));
  }

  /** ITI-115 $find for the slot's own time and place, then ITI-116 $hold of the proposal that holds this slot. */
  async function hold() {
    $('start').disabled = true;
    notice('', 'Keeping this time for you…');
    const parameters = [{ name: 'start', valueDateTime: slot.start }, { name: 'end', valueDateTime: slot.end }];
    actorsOf('Location/').forEach(a => parameters.push({ name: 'location-reference', valueReference: { reference: a.reference } }));
    const find = await S.api('booking', '/fhir/Appointment/$find?_count=100', { method: 'POST', body: { resourceType: 'Parameters', parameter: parameters } });
    const proposal = find.status === 200 && (find.body.entry || []).map(e => e.resource)
      .find(r => r.resourceType === 'Appointment' && (r.slot || []).some(s => s.reference === 'Slot/' + slot.id));
    if (!proposal) { $('start').disabled = false; lost('slot-busy'); return; }
    const answer = await S.api('booking', '/fhir/Appointment/$hold', { method: 'POST', headers: { 'X-Request-Id': 'hold-' + S.uuid() },
      body: { resourceType: 'Parameters', parameter: [{ name: 'appointment-reference', valueReference: { reference: 'Appointment/' + proposal.id } }]
        .concat(source ? [{ name: 'booking-source', valueString: source }] : [])
        .concat(referral ? [{ name: 'booking-referral', valueString: referral }] : []) } });
    const appointment = appointmentOf(answer);
    if (!appointment || appointment.status !== 'pending') { lost(S.reasonCode(answer.body) || 'slot-held', answer); return; }
    held = appointment;
    holdEnds = Date.now() + settings.holdSeconds * 1000;
    $('message').replaceChildren();
    $('start-row').hidden = true;
    showForm();
    $('hold-section').hidden = false;
    tick();
    timer = setInterval(tick, 1000);
    $('fields').querySelector('input').focus();
  }

  function appointmentOf(answer) {
    if (answer.status !== 200 || !answer.body) return null;
    const b = answer.body;
    if (b.resourceType === 'Appointment') return b;
    return (b.entry || []).map(e => e.resource).find(r => r && r.resourceType === 'Appointment') || null;
  }

  function tick() {
    const left = Math.max(0, Math.round((holdEnds - Date.now()) / 1000));
    $('countdown').textContent = `${Math.floor(left / 60)} min ${String(left % 60).padStart(2, '0')} s`;
    if (left === 0) expired();
  }

  function expired() {
    clearInterval(timer);
    $('hold-section').hidden = true;
    lost('hold-expired');
  }

  function showForm() {
    const fields = settings.patientFields.map(name => {
      const [label, type, autocomplete] = FIELD_LABELS[name];
      return S.el('div', {}, S.el('label', { for: 'f-' + name }, label),
        S.el('input', { id: 'f-' + name, name, type, autocomplete, required: true, 'aria-describedby': 'e-' + name }),
        S.el('p', { id: 'e-' + name, class: 'muted', 'aria-live': 'polite' }));
    });
    $('fields').replaceChildren(...fields);
    $('patient-form').addEventListener('submit', book);
    $('release').addEventListener('click', release);
  }

  function patient() {
    const value = name => ($('f-' + name) || {}).value;
    const p = { resourceType: 'Patient', identifier: [{ system: 'urn:slotstream:web:patient', value: S.uuid() }] };
    if (value('name')) {
      const parts = value('name').trim().split(/\s+/);
      p.name = [{ text: value('name').trim(), family: parts.length > 1 ? parts.pop() : parts[0], given: parts.length ? parts : undefined }];
    }
    if (value('birth-date')) p.birthDate = value('birth-date');
    const telecom = [];
    if (value('phone')) telecom.push({ system: 'phone', value: value('phone') });
    if (value('email')) telecom.push({ system: 'email', value: value('email') });
    if (telecom.length) p.telecom = telecom;
    return p;
  }

  function valid() {
    let first = null;
    for (const name of settings.patientFields) {
      const input = $('f-' + name);
      const ok = input.value.trim() !== '' && input.checkValidity();
      input.setAttribute('aria-invalid', ok ? 'false' : 'true');
      $('e-' + name).textContent = ok ? '' : `Please enter your ${FIELD_LABELS[name][0].toLowerCase()}.`;
      if (!ok && !first) first = input;
    }
    if (first) first.focus();
    return !first;
  }

  /** ITI-117 $book of the held Appointment with the patient's details. */
  async function book(e) {
    e.preventDefault();
    if (!valid()) return;
    $('book').disabled = true;
    const answer = await S.api('booking', '/fhir/Appointment/$book', { method: 'POST', headers: { 'X-Request-Id': 'book-' + held.id },
      body: { resourceType: 'Parameters', parameter: [
        { name: 'appointment-reference', valueReference: { reference: 'Appointment/' + held.id } },
        { name: 'patient-resource', resource: patient() }] } });
    const appointment = appointmentOf(answer);
    clearInterval(timer);
    if (!appointment || appointment.status !== 'booked') { $('hold-section').hidden = true; lost(S.reasonCode(answer.body) || 'hold-expired', answer); return; }
    $('hold-section').hidden = true;
    const link = await fetch('api/cancel-links', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ appointment: appointment.id }) }).then(r => r.ok ? r.json() : null).catch(() => null);
    const when = S.localTime(slot.start);
    $('confirmation').replaceChildren(
      S.el('p', {}, `Your appointment on ${when.dayLabel} at ${when.time} (${when.offset}) is booked. Confirmation number: `,
        S.el('strong', { id: 'confirmation-number' }, appointment.id)),
      link ? S.el('p', {}, 'Keep this link to cancel later without signing in: ', S.el('a', { id: 'cancel-link', href: link.url }, 'cancel this appointment'))
        : S.el('p', {}, 'To cancel, call the number above.'));
    $('done-section').hidden = false;
    $('done-heading').setAttribute('tabindex', '-1');
    $('done-heading').focus();
  }

  /** Releases the hold: ITI-117 $book with the Appointment cancelled. */
  async function release() {
    clearInterval(timer);
    await S.api('booking', '/fhir/Appointment/$book', { method: 'POST', headers: { 'X-Request-Id': 'release-' + held.id },
      body: { resourceType: 'Parameters', parameter: [{ name: 'appointment-resource', resource: { resourceType: 'Appointment', id: held.id, status: 'cancelled' } }] } });
    $('hold-section').hidden = true;
    $('start-row').hidden = false;
    $('start').disabled = false;
    held = null;
    notice('', 'The time is released. You can book it again or choose another one.');
  }

  /** Explains in plain words why the time is not (or no longer) yours, and offers the schedule's next free times. */
  async function lost(code, answer) {
    const detail = REASONS[code] || ('The booking did not go through' + (answer ? ': ' + (S.problem(answer.body) || answer.status) : '.'));
    notice('bad', S.el('strong', {}, detail), ' ', 'Here are the next free times at the same place.');
    const from = new Date(Math.max(Date.now(), 0)).toISOString().substring(0, 19) + 'Z';
    const { entries } = await S.search('availability', `/fhir/Slot?schedule=${encodeURIComponent(schedule.id)}&status=free&start=ge${from}&_count=6`, 1)
      .catch(() => ({ entries: [] }));
    const others = entries.map(e => e.resource).filter(r => r.resourceType === 'Slot' && r.id !== slotId).slice(0, 5);
    const items = others.map(s => {
      const t = S.localTime(s.start);
      const url = new URL('portal.html', document.baseURI);
      url.searchParams.set('slot', s.id);
      if (source) url.searchParams.set('source', source);
      if (referral) url.searchParams.set('booking-referral', referral);
      return S.el('li', {}, S.el('a', { href: url.pathname + url.search }, `${t.dayLabel}, ${t.time} (${t.offset})`));
    });
    $('alternatives').replaceChildren(...(items.length ? items : [S.el('li', {}, 'No other free time right now. ', S.el('a', { href: './' }, 'Search elsewhere'))]));
    $('alternatives-section').hidden = false;
  }

  /** The slot's own hold expiry from the live stream corrects the countdown; a release elsewhere ends the hold. */
  function onLive(changes) {
    for (const c of changes) {
      if (c.id !== slotId) continue;
      if (held && c.holdExpiresAt) { holdEnds = c.holdExpiresAt; $('countdown-note').textContent = ''; }
      if (held && c.status === 'free' && !$('hold-section').hidden) { clearInterval(timer); expired(); }
      if (!held && c.status !== 'free' && !$('slot-section').hidden && $('done-section').hidden && !$('start').disabled) {
        $('start-row').hidden = true; lost('slot-booked');
      }
    }
  }

  load().catch(e => notice('bad', 'Something went wrong: ' + e.message));
})();
