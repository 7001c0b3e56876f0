/* A stand-in for Zendesk's ZAF SDK in the browser tests (tests/sidebar_host.py serves it in place of Zendesk's CDN
 * script). ZAFClient.init() gives a client that answers get() and metadata() as Zendesk would for the ticket in the
 * page's address (?ticket=…&priority=…), records what the app sets and invokes (window.zafCalls), and sends
 * request() through the host's /proxy, which adds the secure setting on the server, as Zendesk's proxy does: the
 * token never reaches this page.
 */
(function () {
  'use strict';
  const params = new URLSearchParams(location.search);
  const calls = window.zafCalls = {set: [], invoke: [], request: []};
  const handlers = {};
  const ticket = {'ticket.id': Number(params.get('ticket')), 'ticket.priority': params.get('priority')};

  function init() {
    return {
      on(name, handler) {
        (handlers[name] = handlers[name] || []).push(handler);
        if (name === 'app.registered') setTimeout(() => handler({}), 0); // Zendesk registers the app once
      },
      get(paths) {
        return Promise.resolve(Object.fromEntries([].concat(paths).map((path) => [path, ticket[path]])));
      },
      set(path, value) {
        calls.set.push([path, value]);
        return Promise.resolve({[path]: value});
      },
      invoke(name, ...args) {
        calls.invoke.push([name, ...args]);
        return Promise.resolve({});
      },
      metadata() {
        return fetch(`/settings?${params}`).then((answer) => answer.json())
          .then((settings) => ({appId: 1, installationId: 1, settings}));
      },
      request(options) {
        calls.request.push(JSON.parse(JSON.stringify(options)));
        return fetch(`/proxy?${params}`, {method: 'POST', headers: {'Content-Type': 'application/json'},
                                          body: JSON.stringify(options)})
          .then((answer) => answer.json())
          .then((proxied) => proxied.status < 400 ? JSON.parse(proxied.body)
            : Promise.reject({status: proxied.status, responseText: proxied.body}));
      },
      trigger(name, data) {
        (handlers[name] || []).forEach((handler) => handler(data));
      },
    };
  }

  window.ZAFClient = {init};
}());
