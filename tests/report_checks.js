// Checks of the rendered report, run by headless Chromium inside the page (test_report injects
// this file): every finding becomes one line of the pre element ib-checks, then CHARTS n, TABLES n
// and END.
(function () {
  var out = [];
  var vw = document.documentElement.clientWidth;
  var tables = document.querySelectorAll('table');
  tables.forEach(function (t, i) {
    var r = t.getBoundingClientRect();
    if (r.right > vw + 1 || t.scrollWidth > vw)
      out.push('WIDE table ' + i + ': right edge ' + Math.round(r.right) + ' px > ' + vw);
  });
  document.querySelectorAll('td').forEach(function (td) {
    var s = td.textContent;
    // a number token such as 1.05e-03 or 2E5, not letters and digits of a name or a path
    if (/(^|[^\w.\/-])[+-]?\d+(\.\d+)?[eE][+-]?\d+(?![\w.])/.test(s))
      out.push('SCIENTIFIC in a table: ' + s.trim());
  });
  var text = document.body.innerText;
  var bad = text.match(/\b(NaN|-?inf|Infinity)\b/i);
  if (bad) out.push('NAN/INF shown: ' + bad[0]);
  var charts = document.querySelectorAll('figure.chart');
  charts.forEach(function (fig) {
    var lo = +fig.dataset.lo, hi = +fig.dataset.hi;
    var alo = +fig.dataset.axisLo, ahi = +fig.dataset.axisHi;
    if (!(alo <= lo && hi <= ahi))
      out.push('AXIS ' + fig.id + ': data [' + lo + ', ' + hi + '] outside axis [' + alo + ', ' + ahi + ']');
    var span = Math.max(hi, 0) - Math.min(lo, 0);
    if (!(ahi - alo <= 1.5 * span + 1e-9))
      out.push('AXIS ' + fig.id + ': axis [' + alo + ', ' + ahi + '] far wider than data [' + lo + ', ' + hi + ']');
    var svg = fig.querySelector('svg');
    if (!svg) { out.push('NO SVG in ' + fig.id); return; }
    // A plot group holds its key sample (at most 2 shapes) and then its data: a chart shows
    // a series only when its groups draw more shapes than their key samples alone.
    var groups = fig.querySelectorAll('g[id^="gnuplot_plot_"]'), drawn = 0;
    groups.forEach(function (g) {
      g.querySelectorAll('path, polygon, use, circle, rect, polyline').forEach(function (e) {
        var b = e.getBoundingClientRect();
        if (b.width > 0 || b.height > 0) drawn++;
      });
    });
    var sb = svg.getBoundingClientRect();
    if (!groups.length || drawn <= 2 * groups.length || sb.width < 100 || sb.height < 100)
      out.push('NO VISIBLE SERIES in ' + fig.id + ' (' + drawn + ' shapes in ' + groups.length + ' series)');
  });
  out.push('CHARTS ' + charts.length);
  out.push('TABLES ' + tables.length);
  var pre = document.createElement('pre');
  pre.id = 'ib-checks';
  pre.textContent = out.join('\n') + '\nEND';
  document.body.appendChild(pre);
})();
