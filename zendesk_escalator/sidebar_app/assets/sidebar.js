/* The ticket sidebar of zendesk-escalator (Zendesk Apps framework v2; plain JavaScript, no build step).
 *
 * It shows the escalation the service keeps for the open ticket, read from the service's
 * GET /app/tickets/<id> through Zendesk's proxy as a secure request: Zendesk puts the app's secure
 * setting (the token) in the Authorization header on its own servers, so the agent's browser never
 * holds it. The two buttons only change the ticket the agent has open (the escalation status field, or
 * a tag, through the ZAF client); the agent submits the ticket and the service's usual webhook path acts
 * on it. The app has no write path of its own.
 */
(function () {
  'use strict';

  const REFRESH_AFTER_SUBMIT_MS = 5000; // the webhook, the worker and the update take a few seconds
  const STATES = {requested: 'Requested', active: 'Active', monitoring: 'Monitoring', closed: 'Closed'};
  const client = ZAFClient.init();
  const app = document.getElementById('app');
  let shown = null; // {view, priority, offset}: the last answer, its ticket's priority, the service's clock offset
  let ticker = null;

  client.on('app.registered', load);
  client.on('app.activated', load); // the agent came back to this ticket: it may have moved on
  client.on('ticket.submit.done', () => setTimeout(load, REFRESH_AFTER_SUBMIT_MS));

  async function load() {
    try {
      const [metadata, ticket] = await Promise.all([client.metadata(), client.get(['ticket.id', 'ticket.priority'])]);
      const base = String(metadata.settings.service_url || '').replace(/\/+$/, '');
      const asked = Date.now();
      const view = await client.request({
        url: `${base}/app/tickets/${encodeURIComponent(ticket['ticket.id'])}`,
        type: 'GET',
        dataType: 'json',
        cors: false, // through Zendesk's proxy: the service needs no CORS, the token stays on Zendesk's servers
        secure: true,
        headers: {Authorization: 'Bearer {{setting.token}}'},
      });
      // Count down from the service's clock, not the agent's (half the round trip is close enough).
      const offset = Date.parse(view.now) - (asked + Date.now()) / 2;
      shown = {view, priority: ticket['ticket.priority'], offset};
      render();
    } catch (error) {
      failed(error);
    }
  }

  function render() {
    const {view, priority} = shown;
    const escalation = view.escalation;
    app.replaceChildren(
      header(escalation),
      ...(escalation ? details(escalation, view, priority) : [para('This ticket is not escalated.', 'muted')]),
      view.sla ? slaBlock(view.sla) : '',
      buttons(escalation, view.actions),
      el('p', {className: 'muted small', id: 'updated'}, `Read ${clock(view.now)} · `,
         el('button', {className: 'link', id: 'refresh', onclick: load}, 'Refresh')),
    );
    tick();
    clearInterval(ticker);
    ticker = setInterval(tick, 1000);
    resize();
  }

  function header(escalation, unknown = false) {
    const state = escalation ? escalation.state : unknown ? 'unknown' : 'none';
    const label = escalation ? STATES[state] || state : unknown ? 'Unknown' : 'Not escalated';
    return el('header', {}, el('h1', {}, 'Escalation'), el('span', {className: `badge ${state}`, id: 'state'}, label));
  }

  function details(escalation, view, priority) {
    const level = `Level ${escalation.level}${escalation.level_name ? ` — ${escalation.level_name}` : ''}`;
    const facts = el('dl', {id: 'facts'},
      ...fact('Level', level), ...fact('Reason', escalation.reason),
      ...fact('Owner', escalation.owner ? escalation.owner.name : 'none named'),
      ...fact(escalation.open ? 'Open since' : 'Closed', when(escalation.open ? escalation.opened_at : escalation.closed_at)));
    const parts = [facts, section('Evidence', 'evidence', list(escalation.evidence))];
    if (view.plan) parts.push(section('Communication plan', 'plan', planBlock(view.plan, priority)));
    if (view.next_step && !(view.plan && view.next_step.kind === 'update_due')) { // the plan says when an update is due
      parts.push(para([`Next: ${view.next_step.what} `, countdown(view.next_step.at, 'in', 'overdue by')], 'next'));
    }
    if (Array.isArray(escalation.missing)) { // null: no customer request was checked
      const missing = escalation.missing.length ? list(escalation.missing) : para('Nothing: every item was there.');
      parts.push(section('The request lacked', 'missing', missing));
    }
    parts.push(section('Timeline', 'timeline', timeline(escalation.timeline)));
    if (escalation.review) {
      parts.push(el('details', {id: 'review'}, el('summary', {}, 'Post-escalation review'), el('pre', {}, escalation.review)));
    }
    return parts;
  }

  function planBlock(plan, priority) {
    const every = plan.cadence[priority || 'normal'];
    const hours = plan.business_hours ? ` (${plan.business_hours} business hours)` : '';
    const cadence = every ? `A public update to the customer every ${every}${hours} at ${priority || 'normal'} priority.`
      : `No update cadence is set for ${priority || 'normal'} priority.`;
    const due = plan.next_update_due
      ? para(['Next update due ', countdown(plan.next_update_due, 'in', 'overdue by'), ` (${when(plan.next_update_due)})`])
      : '';
    return el('div', {}, para(cadence), due);
  }

  function slaBlock(sla) {
    return section('SLA', 'sla', el('div', {},
      para([`${capital(sla.name)}: `, countdown(sla.breach_at, 'breaches in', 'breached', ' ago'), ` (${when(sla.breach_at)})`]),
      para(`Next SLA moment: ${sla.next_moment.stage}, ${when(sla.next_moment.at)}`, 'muted small')));
  }

  function timeline(steps) {
    return el('ol', {className: 'timeline'}, ...steps.map((step) => el('li', {},
      el('time', {dateTime: step.at}, when(step.at)), ' ',
      el('strong', {}, step.what), ` — level ${step.level}`,
      step.detail ? el('div', {className: 'muted small'}, step.detail) : '')));
  }

  function buttons(escalation, actions) {
    const open = escalation && escalation.open;
    const box = el('div', {className: 'actions', id: 'actions'},
      el('button', {id: 'request', className: 'primary', onclick: () => requestEscalation(actions)}, 'Request escalation'));
    if (open) {
      box.append(el('button', {id: 'deescalate', onclick: () => remindOfAgreement(actions)},
        'De-escalate (customer agreed)'));
    }
    box.append(el('p', {className: 'small', id: 'told', role: 'status'}));
    return box;
  }

  async function requestEscalation(actions) {
    await setStatus(actions, actions.requested_value, actions.request_tag);
    tell('Escalation requested in the ticket. Submit the ticket: the service escalates it, or says why not.');
  }

  function remindOfAgreement(actions) {
    const phrases = actions.agreement_phrases.slice(0, 3).map((p) => `"${p}"`).join(', ');
    const reminder = el('div', {className: 'reminder', id: 'reminder'},
      para(`The service closes the escalation only when an internal note records the customer's agreement (e.g. ${phrases}). Write that note in this ticket, then submit.`),
      el('button', {id: 'confirm-deescalate', className: 'primary', onclick: () => deescalate(actions, reminder)},
        'Set de-escalation'),
      el('button', {id: 'cancel-deescalate', className: 'link', onclick: () => { reminder.remove(); resize(); }}, 'Cancel'));
    document.getElementById('actions').append(reminder);
    resize();
  }

  async function deescalate(actions, reminder) {
    await setStatus(actions, actions.closed_value, actions.deescalate_tag);
    await client.set('comment.type', 'internalNote'); // the agreement goes in an internal note
    reminder.remove();
    tell('De-escalation set. Record the customer\'s agreement in the internal note, then submit the ticket.');
  }

  function setStatus(actions, value, tag) {
    // The status field when the policy names one (a drop-down's value is its option's tag), else the tag.
    if (actions.status_field_id) return client.set(`ticket.customField:custom_field_${actions.status_field_id}`, value);
    return client.invoke('ticket.tags.add', tag);
  }

  function failed(error) {
    const status = error && error.status;
    const why = status === 401 ? 'the app\'s token is not the service\'s (run escalator app install)'
      : status === 403 ? 'the service has no ESCALATOR_APP_TOKEN set'
        : status ? `the service answered ${status}` : 'the service did not answer';
    app.replaceChildren(header(null, true), para(`The escalation could not be read: ${why}.`, 'problem'),
      el('button', {className: 'link', id: 'refresh', onclick: load}, 'Try again'));
    resize();
  }

  function tell(text) {
    document.getElementById('told').textContent = text;
    resize();
  }

  function tick() {
    const now = Date.now() + shown.offset;
    for (const node of document.querySelectorAll('[data-until]')) {
      const left = Date.parse(node.dataset.until) - now;
      node.textContent = left >= 0 ? `${node.dataset.before} ${span(left)}` : `${node.dataset.after} ${span(-left)}${node.dataset.suffix}`;
      node.className = `countdown ${left < 0 ? 'late' : left < 3600e3 ? 'soon' : 'ok'}`;
    }
  }

  function countdown(iso, before, after, suffix = '') {
    return el('span', {className: 'countdown', dataset: {until: iso, before, after, suffix}});
  }

  function span(ms) {
    const seconds = Math.floor(ms / 1000);
    const days = Math.floor(seconds / 86400), hours = Math.floor(seconds % 86400 / 3600);
    const minutes = Math.floor(seconds % 3600 / 60);
    if (days) return `${days} d ${hours} h`;
    if (hours) return `${hours} h ${minutes} min`;
    return `${minutes} min ${seconds % 60} s`;
  }

  function when(iso) {
    return iso ? new Date(iso).toLocaleString('en-GB', {weekday: 'short', day: 'numeric', month: 'short',
      hour: '2-digit', minute: '2-digit'}) : '—';
  }

  function clock(iso) {
    return new Date(iso).toLocaleTimeString('en-GB', {hour: '2-digit', minute: '2-digit'});
  }

  function resize() {
    client.invoke('resize', {width: '100%', height: `${document.body.scrollHeight + 8}px`});
  }

  function fact(name, value) {
    return [el('dt', {}, name), el('dd', {}, value)];
  }

  function section(title, id, body) {
    return el('section', {id}, el('h2', {}, title), body);
  }

  function list(items) {
    return el('ul', {}, ...items.map((item) => el('li', {}, item)));
  }

  function para(content, className = '') {
    return el('p', {className}, ...[].concat(content));
  }

  function capital(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  // Text goes in as text nodes, never as HTML: evidence and details quote customers.
  function el(tag, properties, ...children) {
    const node = document.createElement(tag);
    const {dataset, ...rest} = properties;
    Object.assign(node, rest);
    Object.assign(node.dataset, dataset || {});
    node.append(...children.filter((child) => child !== ''));
    return node;
  }
}());
