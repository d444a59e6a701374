// Discovery page: FHIR Slot search on availability-service, grouped by location and day, an SVG map of the
// locations, and live removal/arrival of slots from the slot.availability.v1 event stream.
'use strict';

(() => {
  const S = Slotstream;
  const $ = id => document.getElementById(id);
  const form = $('search');
  const PAGE = 200;
  const SOURCE = 'slotstream-discovery';
  let current = null;        // {params, slots: Map id -> slot, ...}
  let nearMe = null;         // {lat, lng}
  let refreshTimer = null;

  const today = new Date();
  const iso = d => d.toISOString().substring(0, 10);
  $('from').value = iso(today);
  $('to').value = iso(new Date(today.getTime() + 13 * 86400000));

  // Place mode: the text field is a ZIP or a city; "near me" asks the browser for the position.
  form.querySelectorAll('input[name=place]').forEach(r => r.addEventListener('change', placeMode));
  function placeMode() {
    const mode = form.place.value;
    $('place-text-row').hidden = !(mode === 'zip' || mode === 'city');
    $('radius-row').hidden = mode !== 'near';
    $('place-text-label').textContent = mode === 'city' ? 'City' : 'ZIP code';
    $('place-text').setAttribute('autocomplete', mode === 'city' ? 'address-level2' : 'postal-code');
    if (mode === 'near' && !nearMe) locate();
  }
  function locate() {
    if (!navigator.geolocation) { say('This browser cannot tell where you are: choose a ZIP code or a city.'); return; }
    say('Finding where you are…');
    navigator.geolocation.getCurrentPosition(
      p => { nearMe = { lat: p.coords.latitude, lng: p.coords.longitude }; say('Position found. Press Search.'); },
      () => say('Your position is not available: allow it in the browser, or choose a ZIP code or a city.'),
      { timeout: 10000 });
  }

  /** Options for "Service or specialty" from the Schedules' service types and specialties. */
  async function loadServices() {
    try {
      const { entries } = await S.search('availability', '/fhir/Schedule?_count=1000', 1);
      const options = new Map();
      for (const e of entries) {
        const s = e.resource;
        for (const c of s.serviceType || []) for (const cd of c.coding || []) options.set(`service-type=${cd.system}|${cd.code}`, cd.display || cd.code);
        for (const c of s.specialty || []) for (const cd of c.coding || []) options.set(`specialty=${cd.system}|${cd.code}`, (cd.display || cd.code) + ' (specialty)');
      }
      [...options.entries()].sort((a, b) => a[1].localeCompare(b[1])).forEach(([value, label]) =>
        $('service').append(S.el('option', { value }, label)));
    } catch (e) { /* the search still works without the list */ }
  }

  function say(text) { $('status').textContent = text; }

  function placeParams() {
    const mode = form.place.value;
    const text = $('place-text').value.trim();
    if (mode === 'zip' && text) return [['schedule.actor:Location.address-postalcode', text]];
    if (mode === 'city' && text) return [['schedule.actor:Location.address-city', text]];
    if (mode === 'near' && nearMe) return [['schedule.actor:Location.near', `${nearMe.lat}|${nearMe.lng}|${$('radius').value}|mi`]];
    return [];
  }

  function query(params) {
    return params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  }

  form.addEventListener('submit', e => { e.preventDefault(); run(true); });

  async function run(moveFocus) {
    const from = $('from').value, to = $('to').value;
    if (!from || !to || to < from) { say('Choose a "to" date on or after the "from" date.'); $('to').focus(); return; }
    const end = iso(new Date(Date.parse(to + 'T00:00:00Z') + 86400000));
    const params = [['status', 'free'], ['start', 'ge' + from], ['start', 'lt' + end], ...placeParams()];
    const service = $('service').value;
    if (service) { const eq = service.indexOf('='); params.push([service.substring(0, eq), service.substring(eq + 1)]); }
    if (form.place.value === 'near' && !nearMe) { say('Your position is not known yet: allow it, or choose a ZIP code or a city.'); return; }
    say('Searching…');
    $('search-button').disabled = true;
    try {
      const slotSearch = S.search('availability', `/fhir/Slot?${query(params)}&_include=Slot:schedule&_count=${PAGE}`, 3);
      const locationParams = placeParams().map(([k, v]) => [k.replace('schedule.actor:Location.', ''), v]).concat([['_count', '1000']]);
      const locationSearch = S.search('availability', `/fhir/Location?${query(locationParams)}`, 1);
      const [{ entries, total }, { entries: locEntries }] = await Promise.all([slotSearch, locationSearch]);
      const slots = entries.filter(e => e.resource.resourceType === 'Slot').map(e => e.resource).filter(patientMatches);
      const schedules = new Map(entries.filter(e => e.resource.resourceType === 'Schedule').map(e => [e.resource.id, e.resource]));
      const locations = new Map(locEntries.map(e => [e.resource.id, e.resource]));
      const roles = await rolesOf(schedules, locations);
      current = { params, fromMs: Date.parse(from + 'T00:00:00Z') - 86400000, toMs: Date.parse(end + 'T00:00:00Z') + 86400000, slots: new Map(slots.map(s => [s.id, s])), schedules, locations, roles };
      render();
      const more = total !== undefined && total > entries.filter(e => e.resource.resourceType === 'Slot').length;
      say(`${slots.length} free appointment${slots.length === 1 ? '' : 's'} found${more ? ' (the first ones; narrow the search for more)' : ''}.`);
      if (moveFocus) $('results').focus();
    } catch (e) {
      say('The search did not work: ' + e.message);
    } finally {
      $('search-button').disabled = false;
    }
  }

  function patientMatches(slot) {
    const wanted = $('patient').value;
    const code = S.patientType(slot);
    if (!wanted || !code) return true;
    if (wanted === 'new') return code === 'newpt';
    return code !== 'nopt';
  }

  /** PractitionerRoles among the Schedule actors, found by their locations (PractitionerRole?location=...). */
  async function rolesOf(schedules, locations) {
    const wanted = new Set();
    schedules.forEach(s => (s.actor || []).forEach(a => { if ((a.reference || '').startsWith('PractitionerRole/')) wanted.add(a.reference.substring(17)); }));
    const roles = new Map();
    if (!wanted.size || !locations.size) return roles;
    const ids = [...locations.keys()];
    try {
      for (let i = 0; i < ids.length; i += 50) {
        const refs = ids.slice(i, i + 50).map(id => 'Location/' + id).join(',');
        const { entries } = await S.search('availability', `/fhir/PractitionerRole?location=${encodeURIComponent(refs)}&_count=1000`, 1);
        entries.forEach(e => { if (wanted.has(e.resource.id)) roles.set(e.resource.id, e.resource); });
      }
    } catch (e) { /* without roles the slots still show, under their Schedule */ }
    return roles;
  }

  /** Where a slot is: {location (resource or null), key, name, practitioner}. */
  function placeOf(slot) {
    const scheduleId = (slot.schedule.reference || '').replace('Schedule/', '');
    const schedule = current.schedules.get(scheduleId) || { actor: [] };
    let location = null, name = null, practitioner = null;
    for (const a of schedule.actor || []) {
      const ref = a.reference || '';
      if (ref.startsWith('Location/')) {
        location = location || current.locations.get(ref.substring(9)) || null;
        name = name || a.display || (location && location.name);
        if (!location) name = name || ref;
      } else if (ref.startsWith('PractitionerRole/')) {
        const role = current.roles.get(ref.substring(17));
        practitioner = practitioner || a.display || (role && role.practitioner && role.practitioner.display);
        if (role) for (const l of role.location || []) {
          const loc = current.locations.get((l.reference || '').replace('Location/', ''));
          if (loc && !location) { location = loc; name = loc.name; }
        }
      } else if (ref.startsWith('Practitioner/')) {
        practitioner = practitioner || a.display;
      }
    }
    const key = location ? location.id : 'schedule:' + scheduleId;
    return { location, key, name: name || (location && location.name) || 'Location not named', practitioner, schedule };
  }

  function address(location) {
    const a = location && location.address;
    if (!a) return '';
    return [(a.line || []).join(', '), a.city, [a.state, a.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  }

  function render() {
    const list = $('result-list');
    list.replaceChildren();
    const groups = new Map();
    for (const slot of current.slots.values()) {
      const place = placeOf(slot);
      if (!groups.has(place.key)) groups.set(place.key, { place, days: new Map() });
      const day = S.localTime(slot.start);
      const g = groups.get(place.key);
      if (!g.days.has(day.day)) g.days.set(day.day, { label: day.dayLabel, slots: [] });
      g.days.get(day.day).slots.push(slot);
    }
    if (!groups.size) {
      list.append(S.el('p', {}, 'No free appointments match. Try more days, another place or any service.'));
    }
    let n = 0;
    for (const { place, days } of groups.values()) {
      n++;
      const headingId = 'loc-' + n;
      const section = S.el('section', { class: 'location', 'aria-labelledby': headingId, 'data-location': place.key },
        S.el('h3', { id: headingId }, `${n}. ${place.name}`),
        address(place.location) ? S.el('p', { class: 'muted' }, address(place.location)) : null,
        place.practitioner ? S.el('p', {}, 'With ' + place.practitioner) : null);
      for (const [, day] of [...days.entries()].sort()) {
        const items = day.slots.sort((a, b) => a.start.localeCompare(b.start)).map(slotItem);
        section.append(S.el('div', { class: 'day' }, S.el('h4', {}, day.label), S.el('ul', { class: 'slots' }, items)));
      }
      list.append(section);
    }
    drawMap([...groups.values()].map(g => g.place));
  }

  function slotItem(slot) {
    const t = S.localTime(slot.start);
    const service = S.display(slot.serviceType) || S.display((current.schedules.get(slot.schedule.reference.replace('Schedule/', '')) || {}).serviceType);
    const referral = S.uuid();
    const published = S.deepLink(slot);
    const link = published ? S.withReferral(published, SOURCE, referral)
      : `portal.html?slot=${encodeURIComponent(slot.id)}&source=${SOURCE}&booking-referral=${referral}`;
    const phone = S.phone(slot);
    const label = `Book ${t.time} ${t.dayLabel}${service ? ', ' + service : ''}`;
    return S.el('li', { 'data-slot-id': slot.id },
      S.el('a', { class: 'book', href: link, 'aria-label': label }, t.time),
      S.el('span', { class: 'muted' }, ` ${t.offset}`),
      service ? S.el('span', {}, ' · ' + service) : null,
      phone ? S.el('span', { class: 'phone' }, 'or call ', S.el('a', { href: 'tel:' + phone.replace(/[^0-9+]/g, '') }, phone)) : null);
  }

  /** SVG of the locations' positions: equirectangular over their bounding box, no tiles (works offline). */
  function drawMap(places) {
    const points = places.filter(p => p.location && p.location.position && p.location.position.latitude !== undefined)
      .map((p, i) => ({ name: p.name, lat: p.location.position.latitude, lng: p.location.position.longitude, n: places.indexOf(p) + 1 }));
    if (nearMe && form.place.value === 'near') points.push({ name: 'You', lat: nearMe.lat, lng: nearMe.lng, you: true });
    const box = $('map');
    box.replaceChildren();
    if (!points.length) { box.append(S.el('p', { class: 'muted' }, 'None of these locations states its position.')); return; }
    const W = 360, H = 300, pad = 24;
    const lats = points.map(p => p.lat), lngs = points.map(p => p.lng);
    const minLat = Math.min(...lats), maxLat = Math.max(...lats), minLng = Math.min(...lngs), maxLng = Math.max(...lngs);
    const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
    const spanX = Math.max((maxLng - minLng) * k, 0.01), spanY = Math.max(maxLat - minLat, 0.01);
    const scale = Math.min((W - 2 * pad) / spanX, (H - 2 * pad) / spanY);
    // around the box's centre: one location (or several at one address) sits in the middle, not in a corner
    const midLat = (minLat + maxLat) / 2, midLng = (minLng + maxLng) / 2;
    const x = p => W / 2 + (p.lng - midLng) * k * scale;
    const y = p => H / 2 - (p.lat - midLat) * scale;
    const NS = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    svg.setAttribute('class', 'map');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-labelledby', 'map-title');
    const title = document.createElementNS(NS, 'title');
    title.id = 'map-title';
    title.textContent = `Map of ${points.filter(p => !p.you).length} locations: ` + points.filter(p => !p.you).map(p => `${p.n}. ${p.name}`).join('; ');
    svg.append(title);
    for (const p of points) {
      const c = document.createElementNS(NS, 'circle');
      c.setAttribute('cx', x(p).toFixed(1)); c.setAttribute('cy', y(p).toFixed(1)); c.setAttribute('r', p.you ? 6 : 7);
      if (p.you) c.setAttribute('class', 'you');
      const t = document.createElementNS(NS, 'title'); t.textContent = p.you ? 'Your position' : `${p.n}. ${p.name}`; c.append(t);
      const label = document.createElementNS(NS, 'text');
      label.setAttribute('x', (x(p) + 9).toFixed(1)); label.setAttribute('y', (y(p) + 4).toFixed(1));
      label.textContent = p.you ? 'You' : String(p.n);
      svg.append(c, label);
    }
    box.append(svg, S.el('p', { class: 'muted' }, 'Numbers match the numbered locations in the list.'));
  }

  // Live: a slot that stops being free leaves the page at once; a slot that becomes free brings a fresh search.
  S.liveSlots(changes => {
    if (!current) return;
    let removed = 0, freed = false;
    for (const c of changes) {
      if (c.status !== 'free') {
        if (current.slots.delete(c.id)) {
          const li = document.querySelector(`li[data-slot-id="${CSS.escape(c.id)}"]`);
          if (li) {
            const ul = li.parentElement; li.remove(); removed++;
            if (!ul.children.length) { const day = ul.parentElement; const loc = day.parentElement; day.remove(); if (!loc.querySelector('.day')) loc.remove(); }
          }
        }
      } else if (!current.slots.has(c.id) && c.start >= current.fromMs && c.start < current.toMs) {
        freed = true;
      }
    }
    if (removed) $('live').textContent = `${removed} appointment${removed === 1 ? ' was' : 's were'} just taken and removed.`;
    if (freed) { clearTimeout(refreshTimer); refreshTimer = setTimeout(() => run(false), 500); }
  }, () => { if (current) run(false); });

  placeMode();
  loadServices();
  run(false);
})();
