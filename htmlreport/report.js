// Key sections: each carries its body (graph and tables) as compressed HTML
// in data-z, inflated when the section is opened or a search needs it.
// Search: show the rows whose principal contains the text, and the keys
// that have such a row (or whose ARN or alias contains it), opened.
(function () {
  'use strict';
  var box = document.getElementById('search');
  var status = document.getElementById('search-status');
  var keys = document.querySelectorAll('details.key');
  var timer = 0;
  var searches = 0;

  // body(sec): a promise that the section's body is in the page.
  function body(sec) {
    if (!sec.kmsBody) {
      var z = sec.getAttribute('data-z');
      if (!z) {
        sec.kmsBody = Promise.resolve();
      } else {
        var bin = atob(z.replace(/-/g, '+').replace(/_/g, '/'));
        var bytes = new Uint8Array(bin.length);
        for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
        var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
        sec.kmsBody = new Response(stream).text().then(function (html) {
          sec.removeAttribute('data-z');
          sec.insertAdjacentHTML('beforeend', html);
        });
      }
    }
    return sec.kmsBody;
  }
  for (var i = 0; i < keys.length; i++) {
    keys[i].addEventListener('toggle', function (ev) {
      if (ev.target.open) { body(ev.target); }
    });
  }

  function filter(q) {
    var rowsShown = 0, keysShown = 0;
    for (var i = 0; i < keys.length; i++) {
      var sec = keys[i];
      var keyHit = q !== '' && sec.getAttribute('data-key').toLowerCase().indexOf(q) >= 0;
      var rows = sec.querySelectorAll('tr[data-principal]');
      var any = false;
      for (var j = 0; j < rows.length; j++) {
        var hit = q === '' || keyHit || rows[j].getAttribute('data-principal').toLowerCase().indexOf(q) >= 0;
        rows[j].hidden = !hit;
        if (hit) { any = true; if (q !== '') { rowsShown++; } }
      }
      sec.hidden = q !== '' && !any && !keyHit;
      if (q !== '' && !sec.hidden) { sec.open = true; keysShown++; }
    }
    var changes = document.querySelectorAll('#changes tr[data-principal]');
    for (var k = 0; k < changes.length; k++) {
      changes[k].hidden = q !== '' && changes[k].getAttribute('data-principal').toLowerCase().indexOf(q) < 0;
    }
    status.textContent = q === '' ? '' : rowsShown + (rowsShown === 1 ? ' row' : ' rows') + ' in ' + keysShown + (keysShown === 1 ? ' key' : ' keys');
  }
  // apply: a search reads every section's rows, so every body is inflated
  // first; only the latest search writes its result.
  function apply() {
    var q = box.value.trim().toLowerCase();
    var n = ++searches;
    if (q === '') { filter(q); return; }
    status.textContent = 'searching…';
    var all = [];
    for (var i = 0; i < keys.length; i++) { all.push(body(keys[i])); }
    Promise.all(all).then(function () {
      if (n === searches) { filter(q); }
    });
  }
  box.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(apply, keys.length > 200 ? 150 : 0);
  });
  function openAll(open) {
    for (var i = 0; i < keys.length; i++) { if (!keys[i].hidden) { keys[i].open = open; } }
  }
  document.getElementById('expand-all').addEventListener('click', function () { openAll(true); });
  document.getElementById('collapse-all').addEventListener('click', function () { openAll(false); });
  if (box.value) { apply(); }
}());
