/**
 * The page's only hand-written script (constant, so its CSP hash is stable). It reads the chart
 * specs from a JSON data block, embeds each with vega-embed, and marks the body when done so a
 * browser test can wait for it. Charts that filter by node class share the choice.
 *
 * `ast: true` makes vega interpret expressions from their AST (vega-embed bundles the
 * interpreter) instead of compiling them with `new Function`, so the CSP needs no 'unsafe-eval'.
 */
export const BOOTSTRAP_SCRIPT = `(function () {
  'use strict';
  var body = document.body;
  function fail(err) { body.dataset.error = String((err && err.message) || err); }
  try {
    var charts = JSON.parse(document.getElementById('dp-charts').textContent);
    var options = {renderer: 'svg', actions: false, ast: true, defaultStyle: false, tooltip: {theme: 'custom', disableDefaultStyle: true}};
    Promise.all(charts.map(function (c) {
      var el = document.getElementById(c.id);
      return vegaEmbed(el, c.spec, options).then(function (r) { el.dataset.rendered = '1'; return r; });
    })).then(function (results) {
      linkClassSelectors(results.map(function (r) { return r.view; }));
      body.dataset.rendered = '1';
    }, fail);
  } catch (err) { fail(err); }

  // Picking a node class in one chart picks it in every chart that has the dropdown.
  function linkClassSelectors(views) {
    var linked = views.filter(function (v) { try { v.signal('nodeClass'); return true; } catch (e) { return false; } });
    var syncing = false;
    linked.forEach(function (source) {
      source.addSignalListener('nodeClass', function (name, value) {
        if (syncing) return;
        syncing = true;
        linked.forEach(function (v) { if (v !== source) v.signal('nodeClass', value).runAsync(); });
        syncing = false;
      });
    });
  }
})();
`
