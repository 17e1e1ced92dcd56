// Search: show the rows whose principal contains the text, and the keys
// that have such a row (or whose ARN or alias contains it), opened.
(function () {
  'use strict';
  var box = document.getElementById('search');
  var status = document.getElementById('search-status');
  var keys = document.querySelectorAll('details.key');
  var timer = 0;
  function apply() {
    var q = box.value.trim().toLowerCase();
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
