// Cancel page: checks the signed cancel link (web's /api/cancel-links), shows the Appointment (ITI-118 read) and
// cancels it with ITI-117 $book (appointment-resource with status cancelled).
'use strict';

(() => {
  const S = Slotstream;
  const $ = id => document.getElementById(id);
  const token = new URLSearchParams(location.search).get('token') || '';
  const notice = (kind, ...content) => $('message').replaceChildren(S.el('div', { class: 'notice ' + kind }, ...content));
  let appointmentId = null;

  async function load() {
    const check = await fetch('api/cancel-links/' + encodeURIComponent(token));
    const link = await check.json().catch(() => ({}));
    if (!check.ok) { notice('bad', (link.error || 'This cancel link is not valid') + '.'); return; }
    appointmentId = link.appointment;
    const read = await S.api('booking', '/fhir/Appointment/' + encodeURIComponent(appointmentId));
    if (read.status !== 200) { notice('bad', 'This appointment cannot be found any more.'); return; }
    show(read.body);
  }

  function show(a) {
    const when = a.start ? S.localTime(a.start) : null;
    $('facts').replaceChildren(S.el('dt', {}, 'Confirmation number'), S.el('dd', {}, a.id),
      S.el('dt', {}, 'When'), S.el('dd', {}, when ? `${when.dayLabel}, ${when.time} (UTC)` : 'not known'),
      S.el('dt', {}, 'Status'), S.el('dd', { id: 'appointment-status' }, a.status));
    $('appointment-section').hidden = false;
    $('cancel').hidden = a.status !== 'booked';
    if (a.status === 'cancelled') notice('', 'This appointment is already cancelled.');
  }

  $('cancel').addEventListener('click', async () => {
    $('cancel').disabled = true;
    const answer = await S.api('booking', '/fhir/Appointment/$book', { method: 'POST', headers: { 'X-Request-Id': 'cancel-' + appointmentId },
      body: { resourceType: 'Parameters', parameter: [{ name: 'appointment-resource', resource: { resourceType: 'Appointment', id: appointmentId, status: 'cancelled' } }] } });
    const a = answer.status === 200 && answer.body && (answer.body.entry || []).map(e => e.resource).find(r => r && r.resourceType === 'Appointment');
    if (a && a.status === 'cancelled') {
      show(a);
      notice('ok', 'Your appointment is cancelled. The time is free for someone else. ', S.el('a', { href: './' }, 'Find another time'));
    } else {
      $('cancel').disabled = false;
      notice('bad', 'The cancellation did not go through: ' + (S.problem(answer.body) || answer.status) + '. Please try again or call.');
    }
  });

  load().catch(e => notice('bad', 'Something went wrong: ' + e.message));
})();
